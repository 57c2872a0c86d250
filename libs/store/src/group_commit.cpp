#include "group_commit.h"

#include <exception>
#include <string>

#include "huifang/store/errc.h"

namespace huifang::store {

core::Result<AppendResult> GroupCommit::append(const AppendRequest& request) {
  Waiter mine{&request, std::nullopt};
  std::unique_lock lock(mu_);
  queue_.push_back(&mine);
  done_.wait(lock, [&] { return mine.result.has_value() || !leading_; });
  if (mine.result) return std::move(*mine.result);
  // Nobody is sending: lead until this caller's own request is answered (in the first group,
  // unless more than max_group were queued ahead of it).
  leading_ = true;
  while (!mine.result) {
    std::vector<Waiter*> group;
    while (!queue_.empty() && group.size() < max_group_) {
      group.push_back(queue_.front());
      queue_.pop_front();
    }
    lock.unlock();
    std::vector<const AppendRequest*> requests;
    requests.reserve(group.size());
    for (const Waiter* w : group) requests.push_back(w->request);
    std::vector<core::Result<AppendResult>> results;
    try {
      results = send_(requests);
    } catch (const std::exception& e) {  // a leader that threw would leave everyone waiting
      results.assign(group.size(), bad_reply(std::string("group commit: ") + e.what()));
    }
    lock.lock();
    for (size_t i = 0; i < group.size(); ++i) group[i]->result = std::move(results[i]);
    ++stats_.groups;
    stats_.requests += group.size();
    // Still leading: this group's callers need not wait for the leader's own request.
    if (!mine.result) done_.notify_all();
  }
  leading_ = false;
  lock.unlock();
  // Answers the last group and lets one of those who queued meanwhile lead the next.
  done_.notify_all();
  return std::move(*mine.result);
}

GroupCommitStats GroupCommit::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace huifang::store
