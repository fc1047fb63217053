#pragma once
// Metric rows as CSV: the header is the union of the rows' names in order of first appearance;
// a row without a column leaves its cell empty. Numbers are written in their shortest round-trip
// form (fmt's "{}"), so the file reads back to the same doubles; NaN is "nan", infinities "inf".
#include <string>
#include <vector>

#include "descent/train/metric_row.hpp"

namespace descent::report {

std::string metrics_csv(const std::vector<train::MetricRow>& rows);

}  // namespace descent::report
