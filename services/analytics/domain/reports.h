#pragma once
// The monthly summary (《月回访汇总表》) and the quarterly report: one row per org unit under the
// filter's unit (a total row last) with totals visited, visit rate, satisfaction per dimension and
// overall, opinions/suggestions/needs, complaints and open problems, follow-ups within 3 days.
// As a table here; CSV (UTF-8 with BOM, so Excel opens the Chinese headers) and XLSX renderings.
#include <string>
#include <vector>

#include "huifang/analytics/v1/service.pb.h"
#include "huifang/core/result.h"
#include "projection.h"

namespace huifang::analytics {

struct Table {
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

core::Result<Table> summary_report(const Projection& p, const v1::ExportReportRequest& r);
std::string to_csv(const Table& t);
// XLSX bytes (libxlsxwriter writes through a temporary file).
core::Result<std::string> to_xlsx(const Table& t);

}  // namespace huifang::analytics
