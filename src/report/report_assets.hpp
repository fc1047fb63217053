#pragma once
// The report page's own script and style (src/report/assets/report.js and report.css), embedded
// into the library at build time (CMakeLists.txt generates report_assets.cpp).
#include <string_view>

namespace descent::report {

std::string_view report_script();
std::string_view report_style();

}  // namespace descent::report
