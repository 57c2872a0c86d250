#include "csv.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace huifang::ctl {

std::string CsvRow::get(const std::string& column) const {
  auto it = values.find(column);
  return it == values.end() ? "" : it->second;
}

core::Result<std::vector<CsvRow>> read_csv(const std::string& path, const std::vector<std::string>& required) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::invalid_argument("file", path + " cannot be read");
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  std::vector<std::vector<std::string>> records;
  std::vector<size_t> lines;
  std::vector<std::string> rec;
  std::string field;
  bool quoted = false, any = false;
  size_t line = 1, rec_line = 1;
  auto end_field = [&] { rec.push_back(field), field.clear(), any = true; };
  auto end_record = [&] {
    if (any || !field.empty()) end_field();
    if (!rec.empty() && !(rec.size() == 1 && rec[0].empty())) records.push_back(rec), lines.push_back(rec_line);
    rec.clear(), any = false, rec_line = line;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c, line += c == '\n';
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++line;
      end_record();
    } else {
      field += c;
    }
  }
  if (quoted) return core::invalid_argument("file", path + ": a quoted field is not closed");
  end_record();
  if (records.empty()) return core::invalid_argument("file", path + " is empty: the first line must be the header");
  const auto& header = records[0];
  for (const auto& col : required)
    if (std::find(header.begin(), header.end(), col) == header.end())
      return core::invalid_argument("file", path + ": the header has no '" + col + "' column");
  std::vector<CsvRow> rows;
  for (size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() > header.size())
      return core::invalid_argument("file", path + ":" + std::to_string(lines[r]) + ": more fields than the header has");
    CsvRow row{lines[r], {}};
    for (size_t c = 0; c < records[r].size(); ++c) row.values[header[c]] = records[r][c];
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace huifang::ctl
