// huifangctl auth init / token / api-key: the local issuer of the embedded default. `init` makes
// the signing key and the JWKS the services trust (./scripts/up runs it); `token` mints a token
// for a user, an integration or a service, for clients other than huifangctl (grpcurl, scripts,
// the bench); `api-key` registers an integration's key in the file intake reads.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "commands.h"
#include "huifang/auth/api_keys.h"
#include "huifang/auth/local_issuer.h"

namespace huifang::ctl {

void add_api_key_command(CLI::App* group, Run& run);

void add_auth_commands(CLI::App& app, Run& run) {
  static std::vector<std::string> org_units;
  static int64_t ttl_seconds = 12 * 3600;
  auto* group = app.add_subcommand("auth", "the local signing key and its tokens (embedded default)")->require_subcommand(1);

  auto* init = group->add_subcommand("init", "make the local signing key (once) and write the JWKS the services trust");
  init->callback([&run] {
    auto issuer = auth::open_local_issuer(run.credentials.key_dir);
    if (!issuer) {
      std::cerr << "huifangctl auth init: " << issuer.error().message << '\n';
      run.code = kRefused;
      return;
    }
    std::cout << run.credentials.key_dir << "/jwks.json (key " << issuer->kid << ")\n";
  });

  add_api_key_command(group, run);

  auto* token = group->add_subcommand("token", "print a token for --as, --role and --tenant, signed with the local key");
  token->add_option("--org-unit", org_units, "org units the caller works in (repeatable)");
  token->add_option("--ttl", ttl_seconds, "how long it is valid: 30m, 12h, 30d (plain numbers are seconds)")
      ->transform(CLI::AsNumberWithUnit(std::map<std::string, int64_t>{{"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}}))
      ->check(CLI::Range(int64_t{60}, int64_t{400} * 86400));
  token->callback([&run] {
    auto issuer = auth::open_local_issuer(run.credentials.key_dir);
    if (!issuer) {
      std::cerr << "huifangctl auth token: " << issuer.error().message << '\n';
      run.code = kRefused;
      return;
    }
    auth::TokenRequest r;
    const Identity& id = run.identity;
    r.claims.role = !id.role.empty() ? id.role : id.tenant.empty() ? "operator" : "admin";
    const bool platform = r.claims.role == "operator" || r.claims.role == "service";
    if (platform != id.tenant.empty()) {
      std::cerr << "huifangctl auth token: " << (platform ? "a platform role (" + r.claims.role + ") takes no --tenant"
                                                          : "role " + r.claims.role + " needs --tenant") << '\n';
      run.code = kUsage;
      return;
    }
    r.claims.tenant = id.tenant;
    r.claims.subject = id.caller.empty() ? "huifangctl-" + r.claims.role : id.caller;
    r.claims.org_units = org_units;
    r.ttl = std::chrono::seconds(ttl_seconds);
    auto minted = auth::mint_token(*issuer, r, core::SystemClock().now());
    if (!minted) {
      std::cerr << "huifangctl auth token: " << minted.error().message << '\n';
      run.code = kRefused;
      return;
    }
    std::cout << *minted << '\n';
  });
}

void add_api_key_command(CLI::App* group, Run& run) {
  auto* cmd = group->add_subcommand("api-key", "make an integration's API key for --tenant, named --as (printed once)");
  cmd->callback([&run] {
    const Identity& id = run.identity;
    if (id.tenant.empty() || id.caller.empty()) {
      std::cerr << "huifangctl auth api-key: give --tenant and --as (the integration's name, e.g. his-gateway)\n";
      run.code = kUsage;
      return;
    }
    auto made = auth::make_api_key(id.tenant, id.caller);
    if (!made) {
      std::cerr << "huifangctl auth api-key: " << made.error().to_string() << '\n';
      run.code = kUsage;
      return;
    }
    const std::string file = run.credentials.key_dir + "/api-keys";
    std::ofstream out(file, std::ios::app);
    if (!(out << made->line << '\n') || !out.flush()) {
      std::cerr << "huifangctl auth api-key: cannot append to " << file << '\n';
      run.code = kRefused;
      return;
    }
    std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::cerr << "registered in " << file << " (services pick it up within a second); the key is shown only now:\n";
    std::cout << made->key << '\n';
  });
}

}  // namespace huifang::ctl
