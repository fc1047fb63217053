#include "descent/data/fashion_mnist.hpp"

#include <fmt/format.h>

#include "descent/core/error.hpp"
#include "descent/data/idx_reader.hpp"

namespace descent::data {

std::filesystem::path fashion_mnist_default_dir() {
  return "/usr/share/datasets/fashion-mnist";
}

const std::vector<std::string>& fashion_mnist_classes() {
  static const std::vector<std::string> names = {"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                                 "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                                 "Bag",         "Ankle boot"};
  return names;
}

Dataset load_fashion_mnist(std::string_view split, const std::filesystem::path& dir) {
  std::string prefix;
  if (split == "train") {
    prefix = "train";
  } else if (split == "test") {
    prefix = "t10k";  // the official test split
  } else {
    throw ConfigError(fmt::format("unknown Fashion-MNIST split '{}'", split), "split",
                      "the splits are 'train' and 'test'");
  }
  const auto images = dir / (prefix + "-images-idx3-ubyte.gz");
  const auto labels = dir / (prefix + "-labels-idx1-ubyte.gz");
  for (const auto& file : {images, labels}) {
    if (!std::filesystem::exists(file)) {
      throw DataError("the Fashion-MNIST file is missing", file.string(),
                      dir == fashion_mnist_default_dir()
                          ? "install it with 'apt-get install dataset-fashion-mnist'"
                          : "put the four *-ubyte.gz files of Fashion-MNIST in this directory");
    }
  }
  Dataset data = read_idx_dataset(images, labels, fashion_mnist_classes());
  data.source = fmt::format("fashion-mnist:{}", split);
  return data;
}

}  // namespace descent::data
