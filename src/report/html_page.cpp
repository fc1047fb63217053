#include "descent/report/html_page.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

#include <fmt/core.h>

#include "descent/core/atomic_file.hpp"
#include "report_assets.hpp"

namespace descent::report {

namespace {

namespace fs = std::filesystem;

std::string base64(const unsigned char* data, std::size_t n) {
  static constexpr char digits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((n + 2) / 3 * 4);
  for (std::size_t i = 0; i < n; i += 3) {
    const unsigned v =
        (data[i] << 16) | (i + 1 < n ? data[i + 1] << 8 : 0) | (i + 2 < n ? data[i + 2] : 0);
    out += digits[(v >> 18) & 63];
    out += digits[(v >> 12) & 63];
    out += i + 1 < n ? digits[(v >> 6) & 63] : '=';
    out += i + 2 < n ? digits[v & 63] : '=';
  }
  return out;
}

// Columns longer than this are embedded in binary (base64), which the browser reads ~2x faster
// than the JSON text of 17-digit numbers; shorter ones stay readable JSON.
constexpr std::size_t kBinaryRows = 2000;
// Binary data goes into <script type="text/plain"> blocks of at most this many base64 characters
// (a multiple of 4): Chromium parses many small blocks faster than one large one (~0.3 s vs
// ~0.5 s for 7 MB).
constexpr std::size_t kBlockChars = 1 << 18;

/// Cuts `text` into blocks appended to `blocks`, their ids `prefix` and their index; returns the
/// ids as a JSON array.
std::string add_blocks(const std::string& text, std::vector<std::string>& blocks,
                       std::string_view prefix) {
  std::string ids = "[";
  for (std::size_t at = 0; at < text.size(); at += kBlockChars) {
    ids += fmt::format("{}\"{}{}\"", at ? "," : "", prefix, blocks.size());
    blocks.push_back(text.substr(at, kBlockChars));
  }
  return ids + "]";
}

}  // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

void PageData::append_column(const std::vector<double>& c, bool deferred) {
  static_assert(std::endian::native == std::endian::little, "binary columns are little-endian");
  auto number = [](double v) { return std::isfinite(v) ? fmt::format("{}", v) : "null"; };
  if (c.size() <= kBinaryRows) {
    json += '[';
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (i) json += ',';
      if (std::isfinite(c[i]))
        fmt::format_to(std::back_inserter(json), "{}", c[i]);
      else
        json += "null";
    }
    json += ']';
    return;
  }
  const auto same = [&](double v) {
    return std::isnan(c.front()) ? std::isnan(v) : v == c.front();
  };
  const auto whole = [](double v) { return v == std::floor(v) && std::abs(v) < 0x1p52; };
  const double first = c[0], step = c[1] - c[0];
  if (std::all_of(c.begin(), c.end(), same)) {
    json += fmt::format("{{\"const\":{},\"n\":{}}}", number(c.front()), c.size());
  } else if (whole(first) && whole(step) && [&] {
               for (std::size_t i = 0; i < c.size(); ++i)
                 if (c[i] != first + static_cast<double>(i) * step) return false;
               return true;
             }()) {
    // Step numbers: first + i step, exact in doubles (whole numbers below 2^52).
    json += fmt::format("{{\"seq\":[{},{}],\"n\":{}}}", first, step, c.size());
  } else if (std::all_of(c.begin(), c.end(), [](double v) {
               return v == std::floor(v) && std::abs(v) < 2147483647.0;
             })) {
    std::vector<std::int32_t> ints(c.begin(), c.end());
    json += fmt::format(
        "{{\"i32\":{}}}",
        add_blocks(base64(reinterpret_cast<const unsigned char*>(ints.data()), ints.size() * 4),
                   deferred ? deferred_blocks : blocks, deferred ? "d" : "b"));
  } else {
    json += fmt::format(
        "{{\"f64\":{}}}",
        add_blocks(base64(reinterpret_cast<const unsigned char*>(c.data()), c.size() * 8),
                   deferred ? deferred_blocks : blocks, deferred ? "d" : "b"));
  }
}

std::string warning_box(const std::vector<std::string>& items) {
  if (items.empty()) return "";
  std::string out = "<div class=\"warnings\"><b>Warnings</b><ul>";
  for (const auto& item : items) out += "<li>" + html_escape(item) + "</li>";
  return out + "</ul></div>\n";
}

std::string html_table(const std::vector<std::vector<std::string>>& rows) {
  std::string out = "<table class=\"metrics\">";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    out += "<tr>";
    for (const auto& cell : rows[r])
      out += (r ? "<td>" : "<th>") + html_escape(cell) + (r ? "</td>" : "</th>");
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

std::vector<fs::path> svg_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (fs::is_directory(dir, ec))
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.path().extension() == ".svg") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::string static_figures(const std::vector<fs::path>& files) {
  std::string out;
  for (const auto& f : files) {
    std::string image = read_file(f);
    if (f.extension() == ".png") {
      image = fmt::format(
          "<img alt=\"{}\" src=\"data:image/png;base64,{}\">", html_escape(f.filename().string()),
          base64(reinterpret_cast<const unsigned char*>(image.data()), image.size()));
    } else if (const auto start = image.find("<svg"); start != std::string::npos) {
      image.erase(0, start);
    }
    out += "<figure class=\"static\">" + image + "</figure>\n";
  }
  if (files.empty()) out += "<p class=\"note\">No static plots either (install gnuplot-nox).</p>\n";
  return out;
}

std::string html_page(const PageBody& body, const PageData& data,
                      const std::optional<ChartLibrary>& library) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>" +
                    html_escape(body.title) + "</title>\n<style>\n";
  if (library) out += library->style + "\n";
  out += std::string(report_style()) + "</style>\n</head>\n<body>\n";
  // First, so that an error anywhere below is recorded for the browser test and shown.
  out +=
      "<script>window.addEventListener('error', function (e) { document.body.setAttribute("
      "'data-js-error', String(e.message)); var p = document.getElementById('js-error'); if (p) { "
      "p.textContent = 'Script error: ' + e.message; p.hidden = false; } });</script>\n"
      "<p id=\"js-error\" class=\"warnings\" hidden></p>\n";
  out += body.header;
  if (library) {
    // Inside <script>, "</" could end the element early.
    std::string json = data.json;
    for (std::size_t pos = 0; (pos = json.find("</", pos)) != std::string::npos; pos += 3)
      json.replace(pos, 2, "<\\/");
    out += "<div id=\"charts\"></div>\n";
    out += "<script type=\"application/json\" id=\"descent-data\">" + json + "</script>\n";
    for (std::size_t b = 0; b < data.blocks.size(); ++b)
      out += fmt::format("<script type=\"text/plain\" id=\"b{}\">{}</script>\n", b, data.blocks[b]);
    out += "<script>" + library->script + "</script>\n<script>" + std::string(report_script()) +
           "</script>\n";
    // After the script: parsed while the page draws its preview.
    for (std::size_t b = 0; b < data.deferred_blocks.size(); ++b)
      out += fmt::format("<script type=\"text/plain\" id=\"d{}\">{}</script>\n", b,
                         data.deferred_blocks[b]);
  } else {
    out += "<p class=\"warnings\">Static plots only: " + html_escape(kChartLibraryHint) + ".</p>\n";
    out += body.fallback;
  }
  out += body.footer;
  out += "</body></html>\n";
  return out;
}

}  // namespace descent::report
