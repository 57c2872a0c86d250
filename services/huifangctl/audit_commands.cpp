// huifangctl audit: the tenant's trail of personal-data reads, from every service that serves
// them, merged in time order (an auditor's view: --role auditor).
#include <algorithm>
#include <iostream>

#include "commands.h"
#include "render.h"

namespace huifang::ctl {

void add_audit_commands(CLI::App& app, Run& run) {
  static std::string from, to, reader, customer;
  static size_t limit = 200;
  auto* audit = app.add_subcommand("audit", "who read which customer, visit or complaint, when and why (auditors)");
  audit->add_option("--from", from, "from this date or time (2026-11-24, 2026-11-24T09:30 UTC+8, RFC 3339)");
  audit->add_option("--to", to, "before this date or time");
  audit->add_option("--reader", reader, "only this reader's reads");
  audit->add_option("--customer", customer, "only reads of this customer");
  audit->add_option("--limit", limit, "at most this many records per service")->capture_default_str()->check(CLI::Range(1, 100000));
  audit->callback([&run] {
    audit::v1::ListAuditRecordsRequest r;
    r.set_tenant_id(run.identity.tenant);
    r.set_reader(reader);
    r.set_customer_id(customer);
    if (!from.empty() && !parse_time(from, r.mutable_from()))
      return void((std::cerr << "huifangctl: --from: '" << from << "' is not a date or time\n", run.code = kUsage));
    if (!to.empty() && !parse_time(to, r.mutable_to()))
      return void((std::cerr << "huifangctl: --to: '" << to << "' is not a date or time\n", run.code = kUsage));
    auto c = run.client();
    audit::v1::ListAuditRecordsResponse all;
    for (auto& [service, stub] : c.audit) {
      r.mutable_page()->set_page_size(static_cast<uint32_t>(std::min<size_t>(limit, 1000)));
      r.mutable_page()->clear_page_token();
      for (size_t got = 0; got < limit;) {
        audit::v1::ListAuditRecordsResponse page;
        if ((run.code = c.call("audit (" + service + ")", *stub, &audit::v1::AuditService::Stub::ListAuditRecords, r, &page)))
          return;
        for (auto& rec : *page.mutable_records())
          if (got < limit) *all.add_records() = std::move(rec), ++got;
        if (page.page().next_page_token().empty()) break;
        r.mutable_page()->set_page_token(page.page().next_page_token());
      }
    }
    std::stable_sort(all.mutable_records()->begin(), all.mutable_records()->end(), [](const auto& a, const auto& b) {
      return std::pair(a.at().seconds(), a.at().nanos()) < std::pair(b.at().seconds(), b.at().nanos());
    });
    render(std::cout, all, run.json);
  });
}

}  // namespace huifang::ctl
