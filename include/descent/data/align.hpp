#pragma once
// Lining a second data set (a test file, new data for a saved model) up with the one a model was
// trained on: features matched by column name, class ids by class name.
#include <string>
#include <vector>

#include "descent/data/dataset.hpp"

namespace descent::data {

/// Reorders data's feature columns to `feature_names` (dropping the others) and renumbers its
/// class ids to their positions in `class_names` (classification, when class_names is given).
/// DataError naming data.source and the missing feature or the unknown class.
void align(Dataset& data, const std::vector<std::string>& feature_names,
           const std::vector<std::string>& class_names);

}  // namespace descent::data
