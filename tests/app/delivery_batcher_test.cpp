// DeliveryBatcher: delivered update ids reach storage in batches, and none is lost at stop.
#include "bot/delivery_batcher.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <vector>

namespace kt::bot {
namespace {

using std::chrono::hours;

/// Records the batches it is given.
struct Sink {
  std::mutex mutex;
  std::condition_variable got;
  std::vector<std::vector<std::int64_t>> batches;

  DeliveryBatcher::Flush flush() {
    return [this](std::span<const std::int64_t> ids) {
      std::lock_guard lock(mutex);
      batches.emplace_back(ids.begin(), ids.end());
      got.notify_all();
    };
  }
  /// Waits (generously: this is about order, not speed) until `n` batches arrived.
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mutex);
    return got.wait_for(lock, std::chrono::seconds(30), [&] { return batches.size() >= n; });
  }
  std::vector<std::vector<std::int64_t>> seen() {
    std::lock_guard lock(mutex);
    return batches;
  }
};

TEST(DeliveryBatcher, what_waits_goes_in_one_batch_at_stop) {
  Sink sink;
  DeliveryBatcher batcher(sink.flush(), hours(1));
  batcher.start();
  for (std::int64_t id : {5, 3, 9}) batcher.add(id);
  batcher.stop();
  EXPECT_EQ(sink.seen(), (std::vector<std::vector<std::int64_t>>{{5, 3, 9}}));
  batcher.stop();
  EXPECT_EQ(sink.seen().size(), 1u) << "stop is idempotent";
}

TEST(DeliveryBatcher, a_full_batch_goes_without_waiting_for_the_linger) {
  Sink sink;
  DeliveryBatcher batcher(sink.flush(), hours(1), 2);
  batcher.start();
  batcher.add(1);
  batcher.add(2);
  ASSERT_TRUE(sink.wait_for(1)) << "a full batch is flushed before the hour-long linger ends";
  batcher.add(3);
  batcher.stop();
  EXPECT_EQ(sink.seen(), (std::vector<std::vector<std::int64_t>>{{1, 2}, {3}}));
}

TEST(DeliveryBatcher, the_linger_ends_a_batch_that_is_not_full) {
  Sink sink;
  DeliveryBatcher batcher(sink.flush(), std::chrono::milliseconds(1), 1000);
  batcher.start();
  batcher.add(7);
  ASSERT_TRUE(sink.wait_for(1));
  EXPECT_EQ(sink.seen().front(), (std::vector<std::int64_t>{7}));
}

TEST(DeliveryBatcher, a_delivery_reported_after_stop_is_flushed_at_once) {
  Sink sink;
  DeliveryBatcher batcher(sink.flush(), hours(1));
  batcher.start();
  batcher.stop();
  EXPECT_TRUE(sink.seen().empty()) << "nothing waited";
  batcher.add(11);
  EXPECT_EQ(sink.seen(), (std::vector<std::vector<std::int64_t>>{{11}}));
}

TEST(DeliveryBatcher, ids_added_before_start_are_flushed_by_stop_even_if_never_started) {
  Sink sink;
  {
    DeliveryBatcher batcher(sink.flush(), hours(1));
    batcher.add(4);
  }  // the destructor stops
  EXPECT_EQ(sink.seen(), (std::vector<std::vector<std::int64_t>>{{4}}));
}

}  // namespace
}  // namespace kt::bot
