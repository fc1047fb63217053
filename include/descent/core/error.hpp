#pragma once
// descent's error categories. Each carries what went wrong, where (file:line, config key or tensor
// name) and a hint; what() is the one line the CLI prints.
#include <stdexcept>
#include <string>
#include <vector>

namespace descent {

class Error : public std::runtime_error {
 public:
  Error(std::string what, std::string where = {}, std::string hint = {});
  const std::string& reason() const { return what_; }
  const std::string& where() const { return where_; }
  const std::string& hint() const { return hint_; }

 private:
  std::string what_, where_, hint_;
};

/// Bad configuration: unknown key, wrong type, value out of range. CLI exit code 2.
class ConfigError : public Error {
  using Error::Error;
};
/// Bad input data: malformed CSV cell, truncated IDX file, NaN in the data. CLI exit code 2.
class DataError : public Error {
  using Error::Error;
};
/// Unreadable, corrupt or mismatched checkpoint. CLI exit code 2.
class CheckpointError : public Error {
  using Error::Error;
};
/// Training produced non-finite values or could not proceed numerically. CLI exit code 1.
class NumericalError : public Error {
  using Error::Error;
};
/// A programming error in the use of the library (adding a tensor after allocate, ...).
class UsageError : public Error {
  using Error::Error;
};

/// "did you mean" helper: the candidate closest to `key` by edit distance, or "" if none is close.
std::string closest_match(const std::string& key, const std::vector<std::string>& candidates);

}  // namespace descent
