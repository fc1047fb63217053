#include "descent/report/chart_page.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "descent/core/atomic_file.hpp"

namespace descent::report {

namespace {

using Json = nlohmann::ordered_json;

std::string number(double v) {
  return std::isfinite(v) ? fmt::format("{}", v) : "null";
}

void append_line_chart(PageData& data, const LineChart& c) {
  data.json += fmt::format(
      "{{\"id\":{},\"title\":{},\"x_label\":{},\"log_x\":{},\"log_y\":{},\"x\":", Json(c.id).dump(),
      Json(c.title).dump(), Json(c.x_label).dump(), c.log_x, c.log_y);
  data.append_column(c.x);
  data.json += ",\"series\":[";
  for (std::size_t k = 0; k < c.series.size(); ++k) {
    data.json +=
        fmt::format("{}{{\"label\":{},\"y\":", k ? "," : "", Json(c.series[k].label).dump());
    data.append_column(c.series[k].y);
    data.json += '}';
  }
  data.json += "],\"markers\":[";
  for (std::size_t k = 0; k < c.markers.size(); ++k)
    data.json += fmt::format("{}{{\"label\":{},\"x\":{}}}", k ? "," : "",
                             Json(c.markers[k].label).dump(), number(c.markers[k].x));
  data.json += "]}";
}

void append_path_chart(PageData& data, const PathChart& c) {
  const HeatMap& h = c.background;
  data.json += fmt::format(
      "{{\"id\":{},\"title\":{},\"x_label\":{},\"y_label\":{},\"heat\":{{\"x0\":{},\"x1\":{},"
      "\"y0\":{},\"y1\":{},\"n\":{},\"label\":{},\"z\":",
      Json(c.id).dump(), Json(c.title).dump(), Json(c.x_label).dump(), Json(c.y_label).dump(),
      number(h.x0), number(h.x1), number(h.y0), number(h.y1), h.n, Json(h.z_label).dump());
  data.append_column(h.z);
  data.json += "},\"paths\":[";
  for (std::size_t k = 0; k < c.paths.size(); ++k) {
    data.json +=
        fmt::format("{}{{\"label\":{},\"x\":", k ? "," : "", Json(c.paths[k].label).dump());
    data.append_column(c.paths[k].x);
    data.json += ",\"y\":";
    data.append_column(c.paths[k].y);
    data.json += '}';
  }
  data.json += "],\"minima\":[";
  for (std::size_t k = 0; k < c.minima.size(); ++k)
    data.json +=
        fmt::format("{}[{},{}]", k ? "," : "", number(c.minima[k][0]), number(c.minima[k][1]));
  data.json += "]}";
}

}  // namespace

std::string chart_page_html(const ChartPage& page, const std::optional<ChartLibrary>& library) {
  PageData data;
  if (library) {
    data.json = "{\"heading\":" + Json(page.heading).dump() + ",\"paths\":[";
    for (std::size_t k = 0; k < page.paths.size(); ++k) {
      if (k) data.json += ',';
      append_path_chart(data, page.paths[k]);
    }
    data.json += "],\"charts\":[";
    for (std::size_t k = 0; k < page.charts.size(); ++k) {
      if (k) data.json += ',';
      append_line_chart(data, page.charts[k]);
    }
    data.json += "]}";
  }
  return html_page(page.body, data, library);
}

bool write_chart_page(const std::filesystem::path& path, const ChartPage& page) {
  const auto library = find_chart_library();
  write_file_atomic(path, chart_page_html(page, library), Durability::unsynced);
  return library.has_value();
}

}  // namespace descent::report
