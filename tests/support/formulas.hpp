#pragma once
// Test support: skips a test of typed formulas in a build without GiNaC, saying so.
#include <gtest/gtest.h>

#include "descent/objective/formula.hpp"

#define SKIP_WITHOUT_FORMULAS()                  \
  if (!descent::objective::formulas_available()) \
  GTEST_SKIP() << "built without GiNaC (libginac-dev): no formulas"
