#pragma once
// huifangctl's command groups, each adding its subcommands to the CLI11 app. A command's callback
// sets the process exit code through `Run::code`.
#include <CLI/CLI.hpp>

#include "client.h"

namespace huifang::ctl {

struct Run {
  Endpoints endpoints;
  Identity identity;
  Credentials credentials{"", "", ".huifang/auth", ""};
  bool json = false;
  int timeout_seconds = 30;
  int code = 0;
  Client client() const { return client_as(identity); }
  Client client_as(const Identity& id) const { return Client(endpoints, id, credentials, std::chrono::seconds(timeout_seconds)); }
};

void add_intake_commands(CLI::App& app, Run& run);
void add_scheduling_commands(CLI::App& app, Run& run);
void add_visit_commands(CLI::App& app, Run& run);
void add_complaint_commands(CLI::App& app, Run& run);
void add_analytics_commands(CLI::App& app, Run& run);
void add_demo_command(CLI::App& app, Run& run);
void add_auth_commands(CLI::App& app, Run& run);
void add_audit_commands(CLI::App& app, Run& run);
void add_clock_command(CLI::App& app, Run& run);

// Prints "huifangctl: <message>" to stderr; the usage exit code.
int usage(const std::string& message);

// "2026-11-24" or "2026-11-24T09:30" (UTC+8) or RFC 3339 → Timestamp; false when unreadable.
bool parse_time(const std::string& text, google::protobuf::Timestamp* out);

}  // namespace huifang::ctl
