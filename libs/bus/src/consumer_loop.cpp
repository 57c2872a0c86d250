#include "huifang/bus/consumer_loop.h"

#include <thread>

#include "huifang/core/log.h"

namespace huifang::bus {

bool is_transient(const core::Error& e) {
  switch (e.kind()) {
    case core::condition::unavailable:
    case core::condition::aborted:
    case core::condition::deadline_exceeded:
      return true;
    default:
      return false;
  }
}

ConsumerLoop::ConsumerLoop(Consumer& consumer, Producer& deadletters, core::MetricsRegistry& metrics,
                           ConsumerLoopOptions options, BatchHandler handler)
    : consumer_(consumer),
      deadletters_(deadletters),
      options_(std::move(options)),
      handler_(std::move(handler)),
      applied_(metrics.counter("huifang_consumer_messages_total", "Messages applied or skipped",
                               {{"group", options_.group}})),
      dead_lettered_(metrics.counter("huifang_consumer_deadletters_total", "Messages sent to the dead-letter topic",
                                     {{"group", options_.group}})),
      retries_(metrics.counter("huifang_consumer_retries_total", "Handler retries", {{"group", options_.group}})) {}

size_t ConsumerLoop::run_once(std::chrono::milliseconds poll_timeout) {
  const auto msgs = consumer_.poll_batch(options_.batch, poll_timeout);
  return process(msgs, nullptr);
}

void ConsumerLoop::run(const std::atomic<bool>& stop) {
  while (!stop.load()) {
    // A long wait costs nothing: a message ends it at once, and so does Consumer::wake() at stop.
    const auto msgs = consumer_.poll_batch(options_.batch, std::chrono::milliseconds(1000));
    process(msgs, &stop);
  }
  consumer_.close();
}

size_t ConsumerLoop::process(std::span<const Message> msgs, const std::atomic<bool>* stop) {
  size_t finished = 0;
  int attempts = 0;
  auto backoff = options_.initial_backoff;
  while (finished < msgs.size()) {
    const BatchOutcome out = handler_(msgs.subspan(finished));
    // Offsets are stored only for what the handler made durable.
    if (options_.store_offsets)
      for (size_t i = 0; i < out.done; ++i) store_offset(msgs[finished + i]);
    applied_.inc(out.done);
    if (out.done > 0) {
      attempts = 0;
      backoff = options_.initial_backoff;
    }
    finished += out.done;
    if (finished >= msgs.size() || !out.error) continue;

    const Message& failing = msgs[finished];
    ++attempts;
    const bool transient = is_transient(*out.error);
    if (!transient && attempts >= options_.max_attempts) {
      // Not retryable by waiting: park it with its error and move on; only a delivered dead
      // letter lets us store the offset.
      if (auto st = dead_letter(failing, *out.error, attempts); st) {
        store_offset(failing);
        ++finished;
        attempts = 0;
        continue;
      } else {
        core::log::error("dead-letter produce failed; retrying", {{"error", st.error().to_string()}});
      }
    }
    retries_.inc();
    core::log::warn(transient ? "transient failure, retrying" : "message failed, retrying",
                    {{"topic", failing.topic}, {"partition", failing.partition}, {"offset", failing.offset},
                     {"attempt", attempts}, {"error", out.error->to_string()}});
    if (stop && stop->load()) break;
    std::this_thread::sleep_for(backoff);
    backoff = std::min(options_.max_backoff, backoff * 2);
  }
  return finished;
}

void ConsumerLoop::store_offset(const Message& m) {
  // Not fatal: the message is redelivered after a restart and the inbox absorbs it.
  if (auto st = consumer_.store(m); !st)
    core::log::warn("offset store failed; the message will be redelivered", {{"error", st.error().to_string()}});
}

core::Status ConsumerLoop::dead_letter(const Message& m, const core::Error& error, int attempts) {
  // The original bytes travel untouched; the error and origin ride in headers.
  std::vector<Header> headers = {{"x-huifang-error", error.to_string()},
                                 {"x-huifang-source-topic", m.topic},
                                 {"x-huifang-source-partition", std::to_string(m.partition)},
                                 {"x-huifang-source-offset", std::to_string(m.offset)},
                                 {"x-huifang-consumer-group", options_.group},
                                 {"x-huifang-attempts", std::to_string(attempts)}};
  auto delivered = std::make_shared<std::optional<core::Status>>();
  auto st = deadletters_.produce(kDeadLetterTopic, m.key, m.value,
                                 [delivered](const core::Status& s) { *delivered = s; }, headers);
  if (!st) return st;
  if (auto f = deadletters_.flush(std::chrono::seconds(30)); !f) return f;
  if (!delivered->has_value()) return core::make_error(make_error_code(errc::broker_unavailable), "no delivery report");
  if (!**delivered) return (*delivered)->error();
  dead_lettered_.inc();
  core::log::error("message dead-lettered", {{"topic", m.topic}, {"partition", m.partition}, {"offset", m.offset},
                                             {"error", error.to_string()}});
  return core::ok_status();
}

}  // namespace huifang::bus
