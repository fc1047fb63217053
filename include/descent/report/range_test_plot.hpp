#pragma once
// The learning-rate range test as a gnuplot figure: the raw loss (faint) and the smoothed loss
// against the lr on a log axis, with the suggestions (valley, steepest, minimum / 10) marked and
// labelled with their lr. Data files: NAME.dat (lr, loss, smoothed) and NAME_suggestions.dat.
#include <string>

#include "descent/report/gnuplot.hpp"
#include "descent/sched/range_test.hpp"

namespace descent::report {

GnuplotFigure range_test_figure(const sched::LRRangeTest& test, const std::string& name);

}  // namespace descent::report
