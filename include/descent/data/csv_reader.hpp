#pragma once
// CSV reader. The file is read in rounds of a few MB per thread (the next round while the current
// one is parsed), cut at record ends into two pieces per thread; the threads parse their pieces
// side by side straight into the float matrix (numbers correctly rounded like std::from_chars), so
// memory stays close to the matrix it produces whatever the file size, and the result and the
// first error do not depend on the thread count.
//
// Format: the first non-empty line is the header (column names, unique, non-empty). Fields are
// separated by `delimiter`; a field may be double-quoted ("a, ""b""" is the text a, "b"), and may
// then span lines. CRLF and LF line ends, a missing final newline, empty lines and a UTF-8 byte
// order mark are accepted. Spaces and tabs around an unquoted field are ignored.
//
// Every column except the target and the `ignore`d ones is a numeric feature. Any bad cell (empty,
// not a number, NaN or infinite, out of float range) or a row with the wrong number of fields
// throws DataError with file:line:column (column = 1-based character position in the line), the
// column name, the bad text and a hint.
//
// Target and task:
//  - A target with any non-numeric cell is a classification target; its classes are the distinct
//    texts sorted bytewise (class id = rank), e.g. {"cat","dog"} -> cat = 0, dog = 1.
//  - A numeric target is a classification target when the task is not forced and every value is an
//    integer and there are at most `max_auto_classes` distinct values; the classes are the distinct
//    values in increasing order, named by their shortest text ("0", "1", "7"). Otherwise it is a
//    regression target. `task` forces either (regression on a non-numeric target is an error).
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "descent/data/dataset.hpp"

namespace descent::data {

struct CsvOptions {
  std::string target{};               // name of the target column (required)
  std::optional<Task> task{};         // nullopt: inferred as documented above
  char delimiter = 0;                 // 0: detected from the header (the most frequent of , ; tab)
  std::vector<std::string> ignore{};  // columns to skip (ids, free text, ...)
  std::size_t max_auto_classes = 20;  // inference limit for integer-valued numeric targets
  std::size_t max_classes = 10000;    // more distinct labels than this is an error
};

/// Reads a CSV file into a Dataset (source = the path as given). Throws DataError on bad data,
/// ConfigError on bad options (no target, unknown ignored column).
Dataset read_csv(const std::filesystem::path& path, const CsvOptions& options);

}  // namespace descent::data
