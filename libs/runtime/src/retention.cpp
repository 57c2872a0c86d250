#include "huifang/runtime/retention.h"

#include "huifang/events/envelope.h"

namespace huifang::runtime {

core::Result<size_t> forget_streams_recorded_before(store::EventStore& store, const std::string& type,
                                                    core::Timestamp before) {
  constexpr size_t kPage = 500;
  size_t forgotten = 0;
  for (uint32_t p = 0; p < store.partitions(); ++p) {
    std::string cursor = "0";
    do {
      auto page = store.scan_short_streams(p, type, cursor, kPage);
      if (!page) return page.error();
      std::vector<store::Argv> forget;
      for (const auto& head : page->streams) {
        events::Envelope first;
        if (!events::parse_stored(head.first_event, {type, head.id}, 1, first))
          return store::bad_reply("retention: the first event of " + type + "/" + head.id + " does not parse");
        if (!first.has_recorded_at() || events::from_proto(first.recorded_at()) >= before) continue;
        for (auto& command : store.forget(p, {type, head.id})) forget.push_back(std::move(command));
        ++forgotten;
      }
      if (!forget.empty())
        if (auto st = store.pool().lease()->write_all(forget, "retention"); !st) return st.error();
      cursor = page->next_cursor;
    } while (cursor != "0");
  }
  return forgotten;
}

}  // namespace huifang::runtime
