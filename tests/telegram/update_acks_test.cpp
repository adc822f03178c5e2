// Webhook acknowledgements: an answer runs with true only once its update finished, with false at
// shutdown, exactly once, and never for a registration that was forgotten.
#include "telegram/update_acks.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace kt::telegram {
namespace {

/// Records each settlement of one registration.
struct Answers {
  std::vector<bool> got;
  UpdateAcks::Settled callback() {
    return [this](bool finished) { got.push_back(finished); };
  }
};

TEST(UpdateAcks, the_answer_runs_when_its_update_finishes_and_not_for_another) {
  UpdateAcks acks;
  Answers a;
  acks.expect(1, a.callback());
  acks.complete(2);  // not expected: ignored
  EXPECT_TRUE(a.got.empty());
  EXPECT_EQ(acks.waiting(), 1u);
  acks.complete(1);
  EXPECT_EQ(a.got, std::vector<bool>{true});
  EXPECT_EQ(acks.waiting(), 0u);
  acks.complete(1);  // a second finish finds nothing registered
  EXPECT_EQ(a.got, std::vector<bool>{true});
}

TEST(UpdateAcks, a_finish_before_any_registration_is_not_remembered) {
  UpdateAcks acks;
  acks.complete(3);
  Answers a;
  acks.expect(3, a.callback());
  EXPECT_TRUE(a.got.empty());
  EXPECT_EQ(acks.waiting(), 1u);
}

TEST(UpdateAcks, shutdown_answers_every_registration_unfinished_and_every_later_one_at_once) {
  UpdateAcks acks;
  Answers a, b, late;
  acks.expect(4, a.callback());
  acks.expect(5, b.callback());
  acks.cancel_all();
  EXPECT_EQ(a.got, std::vector<bool>{false});
  EXPECT_EQ(b.got, std::vector<bool>{false});
  EXPECT_EQ(acks.waiting(), 0u);
  acks.complete(4);  // a worker finishing after shutdown: already answered
  EXPECT_EQ(a.got, std::vector<bool>{false});
  acks.expect(6, late.callback());
  EXPECT_EQ(late.got, std::vector<bool>{false});
  EXPECT_EQ(acks.waiting(), 0u);
}

TEST(UpdateAcks, a_resent_update_still_in_flight_is_acknowledged_for_both_deliveries) {
  UpdateAcks acks;
  Answers first, second;
  acks.expect(8, first.callback());
  acks.expect(8, second.callback());
  EXPECT_EQ(acks.waiting(), 2u);
  acks.complete(8);
  EXPECT_EQ(first.got, std::vector<bool>{true});
  EXPECT_EQ(second.got, std::vector<bool>{true});
  EXPECT_EQ(acks.waiting(), 0u);
}

TEST(UpdateAcks, forget_drops_only_its_own_registration_without_running_it) {
  UpdateAcks acks;
  Answers kept, dropped;
  acks.expect(9, kept.callback());
  const auto ticket = acks.expect(9, dropped.callback());
  acks.forget(9, ticket);
  EXPECT_EQ(acks.waiting(), 1u);
  acks.complete(9);
  EXPECT_EQ(kept.got, std::vector<bool>{true});
  EXPECT_TRUE(dropped.got.empty());
}

TEST(UpdateAcks, an_answer_may_register_again_without_deadlock) {
  UpdateAcks acks;
  Answers again;
  acks.expect(10, [&](bool) { acks.expect(11, again.callback()); });
  acks.complete(10);
  EXPECT_EQ(acks.waiting(), 1u);
  acks.complete(11);
  EXPECT_EQ(again.got, std::vector<bool>{true});
}

TEST(UpdateAcks, finishes_from_many_threads_answer_each_registration_once) {
  UpdateAcks acks;
  constexpr int kUpdates = 2000;
  std::vector<std::atomic<int>> calls(kUpdates);
  for (int i = 0; i < kUpdates; ++i) acks.expect(i, [&calls, i](bool finished) { calls[i] += finished ? 1 : 100; });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&acks, t] {
      for (int i = t; i < kUpdates; i += 4) acks.complete(i);
    });
  }
  acks.cancel_all();  // races the finishes: each registration gets exactly one of the two answers
  for (auto& thread : threads) thread.join();
  for (int i = 0; i < kUpdates; ++i) EXPECT_TRUE(calls[i] == 1 || calls[i] == 100) << i << ": " << calls[i];
  EXPECT_EQ(acks.waiting(), 0u);
}

}  // namespace
}  // namespace kt::telegram
