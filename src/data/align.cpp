#include "descent/data/align.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "descent/core/error.hpp"

namespace descent::data {

void align(Dataset& data, const std::vector<std::string>& feature_names,
           const std::vector<std::string>& class_names) {
  if (data.feature_names != feature_names) {
    std::vector<Eigen::Index> columns;
    for (const auto& name : feature_names) {
      const auto it = std::find(data.feature_names.begin(), data.feature_names.end(), name);
      if (it == data.feature_names.end()) {
        const std::string guess = closest_match(name, data.feature_names);
        throw DataError(fmt::format("no feature column '{}' (the model needs {})", name,
                                    fmt::join(feature_names, ", ")),
                        data.source,
                        guess.empty() ? "give the data every column the model was trained on"
                                      : fmt::format("did you mean '{}'?", guess));
      }
      columns.push_back(it - data.feature_names.begin());
    }
    Matrix x(data.x.rows(), static_cast<Eigen::Index>(columns.size()));
    for (std::size_t c = 0; c < columns.size(); ++c)
      x.col(static_cast<Eigen::Index>(c)) = data.x.col(columns[c]);
    data.x = std::move(x);
    data.feature_names = feature_names;
  }
  if (class_names.empty() || data.class_names == class_names) return;
  std::vector<std::int32_t> id(data.class_names.size());
  for (std::size_t c = 0; c < data.class_names.size(); ++c) {
    const auto it = std::find(class_names.begin(), class_names.end(), data.class_names[c]);
    if (it == class_names.end())
      throw DataError(
          fmt::format("class '{}' of target '{}' is not one the model knows ({})",
                      data.class_names[c], data.target_name, fmt::join(class_names, ", ")),
          data.source, "the model can only be scored on the classes it was trained on");
    id[c] = static_cast<std::int32_t>(it - class_names.begin());
  }
  for (auto& label : data.labels) label = id[static_cast<std::size_t>(label)];
  data.class_names = class_names;
}

}  // namespace descent::data
