// huifangctl: one command-line client for every Huifang edge — imports, service events, policies,
// agendas and visits, complaints, figures and reports, rebuild, and the demo.
#include <iostream>

#include "commands.h"

int main(int argc, char** argv) {
  using namespace huifang::ctl;
  Run run;
  CLI::App app{"huifangctl — the command-line client for Huifang (回访). Tables by default, --json for scripts.\n"
               "Exit codes: 0 done, 1 refused by a service (the message says why), 2 usage, 3 a service unreachable."};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "every command and option");
  app.add_flag("--json", run.json, "print responses as JSON");
  app.add_option("--tenant", run.identity.tenant, "tenant id (also HUIFANG_TENANT)")->envname("HUIFANG_TENANT");
  app.add_option("--token", run.credentials.token, "bearer token from your identity provider (also HUIFANG_TOKEN)")
      ->envname("HUIFANG_TOKEN");
  app.add_option("--api-key", run.credentials.api_key, "an integration's API key (also HUIFANG_API_KEY)")
      ->envname("HUIFANG_API_KEY");
  app.add_option("--key-dir", run.credentials.key_dir,
                 "without --token: sign in with the local key ./scripts/up keeps here (also HUIFANG_AUTH_DIR)")
      ->capture_default_str()
      ->envname("HUIFANG_AUTH_DIR");
  app.add_option("--as", run.identity.caller, "with the local key: who is calling (an agent, handler or user id)")
      ->envname("HUIFANG_CALLER");
  app.add_option("--role", run.identity.role,
                 "with the local key: the caller's role (agent, supervisor, manager, executive, analyst, auditor, admin, "
                 "integration, operator; default admin of --tenant, operator without)")
      ->envname("HUIFANG_ROLE");
  app.add_option("--purpose", run.credentials.purpose,
                 "why you read personal data, recorded in the audit trail (default: the role's usual purpose)")
      ->envname("HUIFANG_PURPOSE");
  app.add_option("--timeout", run.timeout_seconds, "seconds to wait for each call")->capture_default_str();
  app.add_option("--intake", run.endpoints.intake, "intake gRPC address")->capture_default_str()->envname("HUIFANG_INTAKE_GRPC");
  app.add_option("--scheduling", run.endpoints.scheduling, "scheduling gRPC address")->capture_default_str()->envname("HUIFANG_SCHEDULING_GRPC");
  app.add_option("--visit", run.endpoints.visit, "visit gRPC address")->capture_default_str()->envname("HUIFANG_VISIT_GRPC");
  app.add_option("--complaints", run.endpoints.complaints, "complaints gRPC address")->capture_default_str()->envname("HUIFANG_COMPLAINTS_GRPC");
  app.add_option("--analytics", run.endpoints.analytics, "analytics gRPC address")->capture_default_str()->envname("HUIFANG_ANALYTICS_GRPC");
  app.add_option("--tls-ca", run.endpoints.tls.ca_file, "PEM CA the services' certificates are signed by: call them over TLS (also HUIFANG_TLS_CA)")
      ->envname("HUIFANG_TLS_CA");
  app.add_option("--tls-cert", run.endpoints.tls.cert_file, "with --tls-ca: a client certificate to present (mutual TLS; also HUIFANG_TLS_CLIENT_CERT)")
      ->envname("HUIFANG_TLS_CLIENT_CERT");
  app.add_option("--tls-key", run.endpoints.tls.key_file, "its private key (also HUIFANG_TLS_CLIENT_KEY)")
      ->envname("HUIFANG_TLS_CLIENT_KEY");
  app.parse_complete_callback([&run] {
    auto transport = huifang::edge::channel_credentials(run.endpoints.tls);
    if (!transport) throw CLI::ValidationError("--" + transport.error().field, transport.error().message);
    run.endpoints.transport = std::move(*transport);
  });
  add_intake_commands(app, run);
  add_scheduling_commands(app, run);
  add_visit_commands(app, run);
  add_complaint_commands(app, run);
  add_analytics_commands(app, run);
  add_demo_command(app, run);
  add_auth_commands(app, run);
  add_audit_commands(app, run);
  add_clock_command(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kUsage;
  }
  return run.code;
}
