#pragma once
// Test support: headless Chromium (Debian `chromium`), found on PATH or through $DESCENT_CHROMIUM.
// dump_dom() loads a page with a virtual time budget and returns the DOM after its scripts ran.
#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <string>

#include "support/cli.hpp"

namespace descent::test {

inline std::filesystem::path find_chromium() {
  if (const char* env = std::getenv("DESCENT_CHROMIUM"); env && *env) return env;
  const char* path = std::getenv("PATH");
  std::string rest = path ? path : "/usr/bin";
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    std::size_t start = 0;
    while (start <= rest.size()) {
      const auto colon = rest.find(':', start);
      const auto dir =
          rest.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
      const auto candidate = std::filesystem::path(dir) / name;
      std::error_code ec;
      if (!dir.empty() && std::filesystem::is_regular_file(candidate, ec)) return candidate;
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
  }
  return {};
}

/// Chromium's command line for one headless run, `action` being --dump-dom or --screenshot=FILE.
inline std::string chromium_command(const std::filesystem::path& chromium,
                                    const std::filesystem::path& profile, const std::string& action,
                                    const std::filesystem::path& page) {
  return chromium.string() +
         " --headless --no-sandbox --disable-gpu --disable-background-networking"
         " --disable-component-update --disable-sync --no-first-run --hide-scrollbars"
         " --window-size=1280,1800 --user-data-dir=" +
         profile.string() + " --virtual-time-budget=20000 " + action + " file://" +
         std::filesystem::absolute(page).string();
}

/// The DOM of `page` after its scripts ran ("" when Chromium failed).
inline std::string dump_dom(const std::filesystem::path& chromium,
                            const std::filesystem::path& page) {
  const auto dir = scratch_dir();
  const auto out = dir / "dom.html";
  const std::string command = chromium_command(chromium, dir / "profile", "--dump-dom", page) +
                              " >" + out.string() + " 2>" + (dir / "stderr").string();
  const int status = std::system(command.c_str());
  std::string dom = status == 0 && std::filesystem::exists(out) ? read_file(out) : "";
  std::filesystem::remove_all(dir);
  return dom;
}

/// The attributes of the <body> tag of a dumped DOM.
inline std::map<std::string, std::string> body_attributes(const std::string& dom) {
  std::map<std::string, std::string> out;
  const auto start = dom.find("<body");
  if (start == std::string::npos) return out;
  const std::string tag = dom.substr(start, dom.find('>', start) - start);
  static const std::regex attribute(R"(([a-zA-Z-]+)=\"([^\"]*)\")");
  for (std::sregex_iterator it(tag.begin(), tag.end(), attribute), end; it != end; ++it)
    out[(*it)[1]] = (*it)[2];
  return out;
}

}  // namespace descent::test
