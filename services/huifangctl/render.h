#pragma once
// How huifangctl shows a response: JSON for scripts (--json), otherwise a table a person can read.
// The table comes from the message itself (protobuf reflection): a response whose main content is
// a list becomes one row per element with a column per scalar field; anything else becomes
// "field: value" lines. Timestamps print in the reporting zone (UTC+8) and enums by short name,
// so every RPC gets a readable form without a printer of its own.
#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>

#include <ostream>
#include <string>
#include <vector>

namespace huifang::ctl {

void render(std::ostream& out, const google::protobuf::Message& m, bool json);
// "2026-11-24 09:30" in the reporting zone (UTC+8); "" for an unset time.
std::string timestamp(const google::protobuf::Timestamp& t);
// A plain table (used for import results and the demo's progress summary).
void print_table(std::ostream& out, const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);

}  // namespace huifang::ctl
