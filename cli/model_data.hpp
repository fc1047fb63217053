#pragma once
// What `descent predict` and `descent evaluate` share: which rows of an IDX source they score,
// parsing --delimiter, and CSV text for a field.
#include <filesystem>
#include <string>

#include "descent/data/dataset.hpp"
#include "descent/train/model_file.hpp"

namespace descent::cli {

/// Whether `path` names image data (fashion-mnist or an IDX directory) rather than a CSV file.
bool is_image_source(const std::string& path);
/// The rows a saved model scores from an image source: fashion-mnist's test split, an IDX
/// directory's t10k-* files when present, else its train-* files; labelled with the model's
/// classes.
data::Dataset load_image_source(const std::string& path, const train::ModelCard& card);

/// --delimiter: "auto" (0), ",", ";", "tab" or "\t", or any single character.
char parse_delimiter(const std::string& text);

/// `text` as a CSV field: quoted ("" for a quote) when it holds a comma, quote or line break.
std::string csv_field(const std::string& text);

}  // namespace descent::cli
