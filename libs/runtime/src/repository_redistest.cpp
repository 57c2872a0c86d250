#include "huifang/runtime/repository.h"

#include <gtest/gtest.h>

#include <thread>

#include "huifang/store/event_store.h"
#include "huifang/testing/memory_event_log.h"
#include "huifang/testing/redis_server.h"

namespace huifang::runtime {
namespace {

using events::Decision;
using events::EnvelopeFactory;

// A tiny aggregate: the number of attempts recorded on a visit.
struct Attempts {
  uint32_t count = 0;
};

void evolve(Attempts& s, const Envelope& e) {
  if (e.visit().has_visit_attempted()) s.count = e.visit().visit_attempted().attempt();
}

core::Result<Decision> record_attempt(const Aggregate<Attempts>& agg) {
  Decision d;
  d.context.customer_id = "c1";
  Envelope e;
  auto* a = e.mutable_visit()->mutable_visit_attempted();
  a->set_visit_id("v1");
  a->set_attempt(agg.state.count + 1);
  d.events.push_back(e);
  return d;
}

// Every case runs on the in-memory log and on Redis: the kernel's promises hold on both, and the
// fake stays honest about the adapter it stands in for.
class RepositoryTest : public ::testing::TestWithParam<std::string> {
 protected:
  RepositoryTest() {
    if (GetParam() == "redis") {
      redis_ = std::make_unique<testing::RedisServer>();
      store::RedisOptions o;
      o.port = redis_->port();
      pool_ = std::make_unique<store::RedisPool>(o, 4);
      log_ = std::make_unique<store::EventStore>(*pool_, store::StoreOptions{"visit", 8, 4});
    } else {
      log_ = std::make_unique<testing::MemoryEventLog>(4);
    }
  }
  store::EventLog& log() { return *log_; }
  SnapshotCodec<Attempts> codec() {
    return {[this](const Attempts& s) {
              ++snapshots_written_;
              return std::to_string(s.count);
            },
            [](const std::string& b, Attempts& s) {
              s.count = static_cast<uint32_t>(std::stoul(b));
              return true;
            }};
  }

  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<store::RedisPool> pool_;
  std::unique_ptr<store::EventLog> log_;
  core::ManualClock clock_{core::from_micros(1'767'571'200'000'000)};
  core::IdGenerator ids_{clock_, 3};
  EnvelopeFactory factory_{clock_, ids_};
  int snapshots_written_ = 0;
};

TEST_P(RepositoryTest, ExecuteFoldsDecidesAndAppendsWithStampedVersions) {
  Repository<Attempts> repo(log(), factory_, evolve);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(repo.execute("c1", {"visit", "v1"}, record_attempt));
  auto agg = repo.load("c1", {"visit", "v1"});
  ASSERT_TRUE(agg);
  EXPECT_EQ(agg->state.count, 3u);
  EXPECT_EQ(agg->version, 3u);
}

TEST_P(RepositoryTest, ExpectingNewDecidesOnTheRealStateWhenTheStreamExistsAfterAll) {
  Repository<Attempts> repo(log(), factory_, evolve);
  std::vector<uint32_t> seen;  // the attempt count each decide saw
  auto decide = [&](const Aggregate<Attempts>& a) {
    seen.push_back(a.state.count);
    return record_attempt(a);
  };
  ASSERT_TRUE(repo.execute_expecting_new("c1", {"visit", "v9"}, decide));
  ASSERT_TRUE(repo.execute_expecting_new("c1", {"visit", "v9"}, decide));
  EXPECT_EQ(seen, (std::vector<uint32_t>{0, 0, 1}));  // new: one decide; existing: the guess, then the truth
  auto agg = repo.load("c1", {"visit", "v9"});
  EXPECT_EQ(agg->state.count, 2u);
  EXPECT_EQ(agg->version, 2u);
}

TEST_P(RepositoryTest, ExpectingNewNeverAnswersNothingToDoFromTheGuess) {
  Repository<Attempts> repo(log(), factory_, evolve);
  ASSERT_TRUE(repo.execute("c1", {"visit", "v8"}, record_attempt));
  // Nothing to do on an empty stream, one more attempt on a started one.
  auto only_if_started = [](const Aggregate<Attempts>& a) -> core::Result<Decision> {
    return a.state.count == 0 ? core::Result<Decision>(Decision{}) : record_attempt(a);
  };
  auto r = repo.execute_expecting_new("c1", {"visit", "v8"}, only_if_started);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->version, 2u);
}

TEST_P(RepositoryTest, SnapshotsEveryKEventsAndLoadsFromThem) {
  Repository<Attempts> repo(log(), factory_, evolve, codec());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(repo.execute("c1", {"visit", "v1"}, record_attempt));
  EXPECT_EQ(snapshots_written_, 2);  // at 4 and 8
  auto raw = log().load("c1", {"visit", "v1"});
  EXPECT_EQ(raw->snapshot_version, 8u);
  EXPECT_EQ(raw->events.size(), 2u);
  EXPECT_EQ(repo.load("c1", {"visit", "v1"})->state.count, 10u);
}

TEST_P(RepositoryTest, UnreadableSnapshotFallsBackToTheFullStream) {
  Repository<Attempts> writer(log(), factory_, evolve, codec());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(writer.execute("c1", {"visit", "v1"}, record_attempt));
  Repository<Attempts> reader(log(), factory_, evolve,
                              {nullptr, [](const std::string&, Attempts&) { return false; }});
  EXPECT_EQ(reader.load("c1", {"visit", "v1"})->state.count, 5u);
}

TEST_P(RepositoryTest, ConcurrentCommandsRetryOnConflictAndAllLand) {
  Repository<Attempts> repo(log(), factory_, evolve);
  std::vector<std::thread> ts;
  std::atomic<int> failed{0};
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < 10; ++i)
        if (!repo.execute("c1", {"visit", "v1"}, record_attempt, std::nullopt, 50)) ++failed;
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(repo.load("c1", {"visit", "v1"})->state.count, 40u);
}

TEST_P(RepositoryTest, RedeliveredMessageIsReportedAsDuplicateAndWritesNothing) {
  Repository<Attempts> repo(log(), factory_, evolve);
  store::InboxMark mark{"scheduling/visit/v1", 1};
  auto first = repo.execute("c1", {"visit", "v1"}, record_attempt, mark);
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->duplicate);
  auto again = repo.execute("c1", {"visit", "v1"}, record_attempt, mark);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(repo.load("c1", {"visit", "v1"})->version, 1u);
}

TEST_P(RepositoryTest, DecideErrorsAreReturnedUnchanged) {
  Repository<Attempts> repo(log(), factory_, evolve);
  auto r = repo.execute("c1", {"visit", "v1"}, [](const Aggregate<Attempts>&) -> core::Result<Decision> {
    return core::make_error(core::make_error_code(core::errc::failed_precondition), "visit already completed");
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), core::condition::failed_precondition);
}

TEST_P(RepositoryTest, EventsAreStoredWithoutStreamAndVersionAndLoadedWhole) {
  Repository<Attempts> repo(log(), factory_, evolve);
  ASSERT_TRUE(repo.execute("c1", {"visit", "v1"}, record_attempt));
  ASSERT_TRUE(repo.execute("c1", {"visit", "v1"}, record_attempt));
  auto raw = log().load("c1", {"visit", "v1"});
  ASSERT_TRUE(raw);
  Envelope stored;
  ASSERT_TRUE(stored.ParseFromString(raw->events.at(1)));
  EXPECT_FALSE(stored.has_stream());
  auto loaded = events_of(*raw, {"visit", "v1"});
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->at(1).stream().id(), "v1");
  EXPECT_EQ(loaded->at(1).stream_version(), 2u);
  EXPECT_EQ(loaded->at(1).type(), "visit.VisitAttempted");
}

INSTANTIATE_TEST_SUITE_P(OnEachStore, RepositoryTest, ::testing::Values("memory", "redis"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

// The handler's read-model updates are written with the decision's events, and events kept
// unpublished make no outbox entry (seen on the in-memory log, which records both as given).
TEST(RepositoryOnMemory, ReadModelUpdatesGoWithTheEventsAndKeptEventsAreNotPublished) {
  testing::MemoryEventLog log;
  core::ManualClock clock{core::from_micros(1'767'571'200'000'000)};
  core::IdGenerator ids{clock, 3};
  EnvelopeFactory factory{clock, ids};
  Repository<Attempts> repo(log, factory, evolve);
  auto kept = [](const Aggregate<Attempts>& a) -> core::Result<Change> {
    auto d = record_attempt(a);
    if (!d) return d.error();
    Change c(std::move(*d));
    c.publish = false;
    c.read_model.push_back({"HSET", "attempts", {"v1", std::to_string(a.state.count + 1)}});
    return c;
  };
  ASSERT_TRUE(repo.execute("c1", {"visit", "v1"}, kept));
  ASSERT_TRUE(repo.execute("c1", {"visit", "v1"}, record_attempt));
  const auto outbox = log.outbox();
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox[0].version, 2u);
  const auto updates = log.read_model();
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].args, (std::vector<std::string>{"v1", "1"}));
  // A decision that fails writes neither.
  EXPECT_FALSE(repo.execute("c1", {"visit", "v1"}, [](const Aggregate<Attempts>&) -> core::Result<Change> {
    return core::make_error(core::make_error_code(core::errc::failed_precondition), "no");
  }));
  EXPECT_EQ(log.read_model().size(), 1u);
}

}  // namespace
}  // namespace huifang::runtime
