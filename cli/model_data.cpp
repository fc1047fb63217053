#include "model_data.hpp"

#include "descent/core/error.hpp"
#include "descent/data/fashion_mnist.hpp"
#include "descent/data/idx_reader.hpp"
#include "training_setup.hpp"

namespace descent::cli {

bool is_image_source(const std::string& path) {
  return path == "fashion-mnist" || std::filesystem::is_directory(path);
}

data::Dataset load_image_source(const std::string& path, const train::ModelCard& card) {
  if (path == "fashion-mnist") return data::load_fashion_mnist("test");
  const std::filesystem::path dir(path);
  const bool test = std::filesystem::exists(dir / "t10k-images-idx3-ubyte.gz") ||
                    std::filesystem::exists(dir / "t10k-images-idx3-ubyte");
  const std::string prefix = test ? "t10k" : "train";
  return data::read_idx_dataset(idx_file(dir, prefix + "-images-idx3-ubyte"),
                                idx_file(dir, prefix + "-labels-idx1-ubyte"), card.classes);
}

char parse_delimiter(const std::string& text) {
  if (text == "auto") return 0;
  if (text == "tab" || text == "\\t" || text == "\t") return '\t';
  if (text.size() == 1 && text[0] != '"' && text[0] != '\n' && text[0] != '\r') return text[0];
  throw ConfigError("must be auto, one character or tab, not '" + text + "'", "--delimiter",
                    "e.g. --delimiter ';' or --delimiter tab");
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r;\t") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace descent::cli
