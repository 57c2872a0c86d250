#pragma once
// CSV files for imports: RFC 4180 (quoted fields, doubled quotes, CRLF or LF), first line the
// header, an optional UTF-8 BOM (as Excel writes it). Each row maps header → value, with its line
// number for error messages.
#include <map>
#include <string>
#include <vector>

#include "huifang/core/result.h"

namespace huifang::ctl {

struct CsvRow {
  size_t line;
  std::map<std::string, std::string> values;
  // The value of `column`, or "" when the column is absent or empty.
  std::string get(const std::string& column) const;
};

core::Result<std::vector<CsvRow>> read_csv(const std::string& path, const std::vector<std::string>& required);

}  // namespace huifang::ctl
