#pragma once
// Metric rows as CSV: the header is the union of the rows' names in order of first appearance;
// a row without a column leaves its cell empty. Numbers are written in their shortest round-trip
// form (fmt's "{}"), so the file reads back to the same doubles; NaN is "nan", infinities "inf".
#include <string>
#include <vector>

#include "descent/train/metric_row.hpp"

namespace descent::report {

std::string metrics_csv(const std::vector<train::MetricRow>& rows);

/// The header's columns of `rows`: their names in order of first appearance.
std::vector<std::string> metrics_columns(const std::vector<train::MetricRow>& rows);

/// One line of the CSV ("...\n"): the row's values under `columns`.
std::string metrics_csv_line(const train::MetricRow& row, const std::vector<std::string>& columns);

}  // namespace descent::report
