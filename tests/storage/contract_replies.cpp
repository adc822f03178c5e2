// Repository contract, migration 0003: the reply outbox. A claimed update's reply is stored as
// unsent, found again by id and at start-up, and forgotten once marked sent.
#include <string>
#include <utility>
#include <vector>

#include "storage/contract_helpers.hpp"
#include "storage/contract_suite.hpp"

namespace kt::storage::contract {
namespace {

using Unsent = std::vector<std::pair<std::int64_t, std::string>>;

Result<bool> claim(Repository& repo, std::int64_t update_id) {
  return write_result(repo, [&](Transaction& tx) { return tx.claim_update(update_id, std::nullopt, at(0)); });
}

Result<Unsent> unsent(Repository& repo, int limit) {
  return read_result(repo, [&](Transaction& tx) { return tx.unsent_replies(limit); });
}

Result<std::optional<std::string>> stored(Repository& repo, std::int64_t update_id) {
  return read_result(repo, [&](Transaction& tx) { return tx.stored_reply(update_id); });
}

Result<void> store(Repository& repo, std::int64_t update_id, const std::string& json) {
  return repo.write([&](Transaction& tx) { return tx.store_reply(update_id, json); });
}

Result<void> mark_sent(Repository& repo, std::int64_t update_id) {
  return repo.write([&](Transaction& tx) { return tx.mark_reply_sent(update_id); });
}

TEST_P(RepositoryContract, a_claimed_update_has_no_reply_until_one_is_stored) {
  ASSERT_TRUE(claim(repo(), 501).ok());
  auto none = stored(repo(), 501);
  ASSERT_TRUE(none.ok()) << why(none);
  EXPECT_EQ(*none, std::nullopt);
  auto list = unsent(repo(), 10);
  ASSERT_TRUE(list.ok()) << why(list);
  EXPECT_TRUE(list->empty());
}

TEST_P(RepositoryContract, a_stored_reply_is_unsent_until_marked_sent_then_gone) {
  ASSERT_TRUE(claim(repo(), 502).ok());
  const std::string json = R"([{"chat_id":42,"html":"Opened <b>#1</b> \u00e9"}])";
  auto stored_ok = store(repo(), 502, json);
  ASSERT_TRUE(stored_ok.ok()) << why(stored_ok);
  auto back = stored(repo(), 502);
  ASSERT_TRUE(back.ok()) << why(back);
  EXPECT_EQ(*back, std::optional<std::string>(json));
  auto list = unsent(repo(), 10);
  ASSERT_TRUE(list.ok()) << why(list);
  EXPECT_EQ(*list, (Unsent{{502, json}}));

  ASSERT_TRUE(mark_sent(repo(), 502).ok());
  EXPECT_EQ(*stored(repo(), 502), std::nullopt);
  EXPECT_TRUE(unsent(repo(), 10)->empty());
  // Idempotent, and a no-op for an update never claimed.
  auto again = mark_sent(repo(), 502);
  EXPECT_TRUE(again.ok()) << why(again);
  auto unknown = mark_sent(repo(), 9'999);
  EXPECT_TRUE(unknown.ok()) << why(unknown);
  // The update stays claimed.
  EXPECT_EQ(*claim(repo(), 502), false);
}

TEST_P(RepositoryContract, storing_a_reply_for_an_unclaimed_update_is_not_found_and_stores_nothing) {
  auto r = store(repo(), 503, "[]");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(r.error().code, "E-NOT-FOUND");
  EXPECT_TRUE(unsent(repo(), 10)->empty());
  EXPECT_EQ(*claim(repo(), 503), true) << "the failed store claimed nothing";
}

TEST_P(RepositoryContract, unsent_replies_are_listed_oldest_update_first_up_to_the_limit) {
  for (std::int64_t id : {710, 705, 720, 715}) {
    ASSERT_TRUE(claim(repo(), id).ok());
    ASSERT_TRUE(store(repo(), id, "[" + std::to_string(id) + "]").ok());
  }
  ASSERT_TRUE(claim(repo(), 700).ok());  // claimed, no reply: not listed
  ASSERT_TRUE(mark_sent(repo(), 715).ok());
  auto two = unsent(repo(), 2);
  ASSERT_TRUE(two.ok()) << why(two);
  EXPECT_EQ(*two, (Unsent{{705, "[705]"}, {710, "[710]"}}));
  auto all = unsent(repo(), 100);
  ASSERT_TRUE(all.ok()) << why(all);
  EXPECT_EQ(*all, (Unsent{{705, "[705]"}, {710, "[710]"}, {720, "[720]"}}));
}

Result<bool> never_stored(Repository& repo, std::int64_t update_id) {
  return read_result(repo, [&](Transaction& tx) { return tx.reply_never_stored(update_id); });
}

TEST_P(RepositoryContract, a_claim_records_a_reply_as_due_until_it_is_stored_or_marked_sent) {
  EXPECT_EQ(*never_stored(repo(), 601), false) << "not claimed";
  ASSERT_TRUE(claim(repo(), 601).ok());
  ASSERT_TRUE(claim(repo(), 602).ok());
  ASSERT_TRUE(claim(repo(), 603).ok());
  auto due = never_stored(repo(), 601);
  ASSERT_TRUE(due.ok()) << why(due);
  EXPECT_EQ(*due, true);
  ASSERT_TRUE(store(repo(), 602, "[]").ok());
  EXPECT_EQ(*never_stored(repo(), 602), false) << "stored";
  ASSERT_TRUE(mark_sent(repo(), 603).ok());
  EXPECT_EQ(*never_stored(repo(), 603), false) << "sent";
  ASSERT_TRUE(mark_sent(repo(), 602).ok());
  EXPECT_EQ(*never_stored(repo(), 602), false) << "stored, then sent";
  EXPECT_TRUE(unsent(repo(), 10)->empty()) << "a due reply without text is not listed";
}

Result<bool> claim_with(Repository& repo, std::int64_t update_id, const std::optional<std::string>& json) {
  return write_result(repo, [&](Transaction& tx) { return tx.claim_update_with_reply(update_id, at(0), json); });
}

TEST_P(RepositoryContract, a_claim_with_its_reply_is_a_claim_and_a_stored_reply_in_one) {
  auto fresh = claim_with(repo(), 1101, std::string("[1101]"));
  ASSERT_TRUE(fresh.ok()) << why(fresh);
  EXPECT_TRUE(*fresh);
  EXPECT_EQ(*stored(repo(), 1101), std::optional<std::string>("[1101]"));
  EXPECT_EQ(*never_stored(repo(), 1101), false);
  EXPECT_EQ(*unsent(repo(), 10), (Unsent{{1101, "[1101]"}}));
  EXPECT_EQ(*claim(repo(), 1101), false) << "claimed";

  auto nothing_to_send = claim_with(repo(), 1102, std::nullopt);
  ASSERT_TRUE(nothing_to_send.ok()) << why(nothing_to_send);
  EXPECT_TRUE(*nothing_to_send);
  EXPECT_EQ(*stored(repo(), 1102), std::nullopt);
  EXPECT_EQ(*never_stored(repo(), 1102), false) << "recorded as sent, not as due";
  EXPECT_EQ(*claim(repo(), 1102), false) << "claimed";

  auto again = claim_with(repo(), 1101, std::string("[other]"));
  ASSERT_TRUE(again.ok()) << why(again);
  EXPECT_FALSE(*again) << "already claimed";
  EXPECT_EQ(*stored(repo(), 1101), std::optional<std::string>("[1101]")) << "the first reply stays";
  ASSERT_TRUE(claim(repo(), 1103).ok());
  EXPECT_FALSE(*claim_with(repo(), 1103, std::string("[x]"))) << "claimed without a reply before";
  EXPECT_EQ(*never_stored(repo(), 1103), true) << "nothing stored by the refused claim";
  EXPECT_EQ(*unsent(repo(), 10), (Unsent{{1101, "[1101]"}}));
}

TEST_P(RepositoryContract, a_reply_stored_again_replaces_the_first_and_is_unsent_again) {
  ASSERT_TRUE(claim(repo(), 801).ok());
  ASSERT_TRUE(store(repo(), 801, "[1]").ok());
  ASSERT_TRUE(mark_sent(repo(), 801).ok());
  ASSERT_TRUE(store(repo(), 801, "[2]").ok());
  EXPECT_EQ(*stored(repo(), 801), std::optional<std::string>("[2]"));
  EXPECT_EQ(*unsent(repo(), 10), (Unsent{{801, "[2]"}}));
}

TEST_P(RepositoryContract, a_reply_stored_in_a_rolled_back_transaction_is_not_kept) {
  ASSERT_TRUE(claim(repo(), 901).ok());
  auto failed = repo().write([&](Transaction& tx) -> Result<void> {
    KT_TRY_VOID(tx.store_reply(901, "[9]"));
    return rejected("E-TEST", "roll back");
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(*stored(repo(), 901), std::nullopt);
  EXPECT_TRUE(unsent(repo(), 10)->empty());
}

TEST_P(RepositoryContract, replies_marked_sent_in_one_batch_are_all_gone_and_the_others_stay) {
  for (std::int64_t id : {1001, 1002, 1003, 1004}) {
    ASSERT_TRUE(claim(repo(), id).ok());
    ASSERT_TRUE(store(repo(), id, "[" + std::to_string(id) + "]").ok());
  }
  ASSERT_TRUE(claim(repo(), 1005).ok());  // claimed, reply never stored
  // Out of order, a duplicate, an id never claimed and one whose reply was never stored.
  const std::vector<std::int64_t> batch{1003, 1001, 1003, 9'998, 1005};
  auto marked = repo().write([&](Transaction& tx) { return tx.mark_replies_sent(batch); });
  ASSERT_TRUE(marked.ok()) << why(marked);
  EXPECT_EQ(*unsent(repo(), 10), (Unsent{{1002, "[1002]"}, {1004, "[1004]"}}));
  EXPECT_EQ(*stored(repo(), 1001), std::nullopt);
  EXPECT_EQ(*never_stored(repo(), 1005), false) << "marked sent: no longer due";
  EXPECT_EQ(*claim(repo(), 1003), false) << "still claimed";
  EXPECT_EQ(*claim(repo(), 9'998), true) << "the unknown id was not claimed by the batch";

  auto empty = repo().write([&](Transaction& tx) { return tx.mark_replies_sent({}); });
  EXPECT_TRUE(empty.ok()) << why(empty);
  auto again = repo().write([&](Transaction& tx) { return tx.mark_replies_sent(batch); });
  EXPECT_TRUE(again.ok()) << "idempotent: " << why(again);
  EXPECT_EQ(unsent(repo(), 10)->size(), 2u);
}

TEST_P(RepositoryContract, a_batch_marked_sent_in_a_rolled_back_transaction_leaves_the_replies_unsent) {
  for (std::int64_t id : {1101, 1102}) {
    ASSERT_TRUE(claim(repo(), id).ok());
    ASSERT_TRUE(store(repo(), id, "[1]").ok());
  }
  const std::vector<std::int64_t> batch{1101, 1102};
  auto failed = repo().write([&](Transaction& tx) -> Result<void> {
    KT_TRY_VOID(tx.mark_replies_sent(batch));
    return rejected("E-TEST", "roll back");
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(unsent(repo(), 10)->size(), 2u);
}

}  // namespace
}  // namespace kt::storage::contract
