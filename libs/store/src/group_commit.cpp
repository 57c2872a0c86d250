#include "group_commit.h"

namespace huifang::store {

core::Result<AppendResult> GroupCommit::append(const AppendRequest& request) {
  Waiter mine{&request, std::nullopt};
  std::unique_lock lock(mu_);
  queue_.push_back(&mine);
  done_.wait(lock, [&] { return mine.result.has_value() || !leading_; });
  if (mine.result) return std::move(*mine.result);
  // Nobody is sending: lead until this caller's own request is answered (it is in the first group).
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
    auto results = send_(requests);
    lock.lock();
    for (size_t i = 0; i < group.size(); ++i) group[i]->result = std::move(results[i]);
    ++stats_.groups;
    stats_.requests += group.size();
  }
  leading_ = false;
  lock.unlock();
  // Answers the group and lets one of those who queued meanwhile lead the next.
  done_.notify_all();
  return std::move(*mine.result);
}

GroupCommitStats GroupCommit::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace huifang::store
