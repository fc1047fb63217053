#pragma once
// Fashion-MNIST (Xiao, Rasul, Vollgraf 2017): 28x28 grey images of 10 kinds of clothing, 60000 for
// training and the official 10000 test images (the "t10k" files). Debian's dataset-fashion-mnist
// package installs the four .gz IDX files in fashion_mnist_default_dir().
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "descent/data/dataset.hpp"

namespace descent::data {

/// Where Debian's dataset-fashion-mnist package puts the files (a system location).
std::filesystem::path fashion_mnist_default_dir();

/// The 10 class names, by class id.
const std::vector<std::string>& fashion_mnist_classes();

/// Loads split "train" (60000 images) or "test" (the official t10k split, 10000 images) from
/// `dir`/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz. Throws DataError with an install hint
/// when the files are absent, ConfigError for another split name.
Dataset load_fashion_mnist(std::string_view split,
                           const std::filesystem::path& dir = fashion_mnist_default_dir());

}  // namespace descent::data
