#include "reports.h"

#include <xlsxwriter.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unistd.h>

#include "figures.h"
#include "queries.h"

namespace huifang::analytics {
namespace {

std::string percent(std::optional<double> v) {
  if (!v) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", *v * 100);
  return buf;
}

}  // namespace

core::Result<Table> summary_report(const Projection& p, const v1::ExportReportRequest& r) {
  auto f = filter_of(p, r.filter());
  if (!f) return f.error();
  if (r.kind() == v1::REPORT_KIND_UNSPECIFIED) return core::invalid_argument("kind", "is required (monthly or quarterly)");
  const auto groups = p.totals(*f, GroupBy::org_unit);
  std::set<std::string> dims;
  for (const auto& [k, t] : groups)
    for (const auto& [d, c] : t.dimensions) dims.insert(d);
  Table table;
  table.title = r.kind() == v1::REPORT_KIND_QUARTERLY ? "季度回访报告 Quarterly follow-up report" : "月回访汇总表 Monthly follow-up summary";
  table.header = {"单位 Org unit", "应回访 Due", "已回访 Visited", "回访率 Visit rate"};
  for (const auto& d : dims) table.header.push_back("满意度 " + d);
  for (const char* h : {"总满意度 Overall", "意见 Opinions", "建议 Suggestions", "需求 Needs", "投诉 Complaints",
                        "有效投诉 Effective", "未结问题 Open problems", "3日内回访 Follow-ups ≤3 days"})
    table.header.push_back(h);
  auto row = [&](const std::string& label, const Totals& t) {
    std::vector<std::string> cells = {label, std::to_string(t.due), std::to_string(t.completed),
                                      percent(visit_rate(t.completed, t.due))};
    std::vector<std::optional<double>> rates;
    for (const auto& d : dims) {
      auto it = t.dimensions.find(d);
      const auto rate = it == t.dimensions.end() ? std::nullopt : satisfaction_rate(it->second.satisfied, it->second.unsatisfied);
      rates.push_back(rate);
      cells.push_back(percent(rate));
    }
    cells.push_back(percent(overall_satisfaction(rates)));
    for (uint64_t n : {t.opinions, t.suggestions, t.needs, t.complaints, t.effective, t.open}) cells.push_back(std::to_string(n));
    cells.push_back(t.follow_ups_due ? std::to_string(t.follow_ups_within) + "/" + std::to_string(t.follow_ups_due) : "");
    table.rows.push_back(std::move(cells));
  };
  for (const auto& [k, t] : groups) row(p.org_label(f->tenant_id, k.first), t);
  for (const auto& [k, t] : p.totals(*f)) row("合计 Total", t);
  return table;
}

std::string to_csv(const Table& t) {
  std::ostringstream out;
  out << "\xEF\xBB\xBF";
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      // A spreadsheet program runs a cell that starts like a formula; an org unit's name that
      // does is kept as text by a leading apostrophe (figures never start so).
      const std::string& raw = cells[i];
      const std::string c = !raw.empty() && std::string_view("=+-@\t\r").find(raw[0]) != std::string_view::npos
                                ? "'" + raw
                                : raw;
      if (i) out << ',';
      if (c.find_first_of(",\"\n") != std::string::npos) {
        out << '"';
        for (char ch : c) out << (ch == '"' ? "\"\"" : std::string(1, ch));
        out << '"';
      } else {
        out << c;
      }
    }
    out << "\r\n";
  };
  line(t.header);
  for (const auto& r : t.rows) line(r);
  return out.str();
}

core::Result<std::string> to_xlsx(const Table& t) {
  static std::atomic<uint64_t> seq{0};
  const auto path = std::filesystem::temp_directory_path() /
                    ("huifang-report-" + std::to_string(::getpid()) + "-" + std::to_string(seq++) + ".xlsx");
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) return core::make_error(core::make_error_code(core::errc::internal), "cannot create " + path.string());
  lxw_worksheet* ws = workbook_add_worksheet(wb, "Report");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  worksheet_write_string(ws, 0, 0, t.title.c_str(), bold);
  for (size_t c = 0; c < t.header.size(); ++c) worksheet_write_string(ws, 2, static_cast<lxw_col_t>(c), t.header[c].c_str(), bold);
  for (size_t r = 0; r < t.rows.size(); ++r)
    for (size_t c = 0; c < t.rows[r].size(); ++c) {
      const std::string& cell = t.rows[r][c];
      char* end = nullptr;
      const double n = std::strtod(cell.c_str(), &end);
      const auto row = static_cast<lxw_row_t>(r + 3);
      const auto col = static_cast<lxw_col_t>(c);
      if (c > 0 && !cell.empty() && end && *end == '\0') worksheet_write_number(ws, row, col, n, nullptr);
      else worksheet_write_string(ws, row, col, cell.c_str(), nullptr);
    }
  worksheet_set_column(ws, 0, 0, 24, nullptr);
  if (workbook_close(wb) != LXW_NO_ERROR)
    return core::make_error(core::make_error_code(core::errc::internal), "cannot write " + path.string());
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(path);
  return bytes;
}

}  // namespace huifang::analytics
