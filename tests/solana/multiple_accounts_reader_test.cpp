#include "solana/multiple_accounts_reader.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "fixtures.hpp"
#include "solana/base64.hpp"

namespace kt::solana {
namespace {

using testing::read_fixture;

/// What the generic path makes of a body answering request `id` (what RpcPool did before).
Result<AccountList> generic(std::string_view body, std::uint64_t id) {
  KT_TRY(const RpcResponse r, parse_response(body));
  if (r.id.is_number_unsigned() && r.id.get<std::uint64_t>() != id) return retryable("E-RPC-PARSE", "other id");
  KT_TRY(const Json result, result_of(r));
  return parse_get_multiple_accounts(result);
}

void expect_same(const AccountList& a, const AccountList& b) {
  EXPECT_EQ(a.slot, b.slot);
  ASSERT_EQ(a.value.size(), b.value.size());
  for (std::size_t i = 0; i < a.value.size(); ++i) {
    ASSERT_EQ(a.value[i].has_value(), b.value[i].has_value()) << i;
    if (!a.value[i]) continue;
    EXPECT_EQ(a.value[i]->lamports, b.value[i]->lamports) << i;
    EXPECT_EQ(a.value[i]->owner, b.value[i]->owner) << i;
    EXPECT_EQ(a.value[i]->data, b.value[i]->data) << i;
    EXPECT_EQ(a.value[i]->executable, b.value[i]->executable) << i;
    EXPECT_EQ(a.value[i]->rent_epoch, b.value[i]->rent_epoch) << i;
    EXPECT_EQ(a.value[i]->space, b.value[i]->space) << i;
  }
}

/// A body the fast path must decline although it is valid JSON the generic path reads.
void expect_declined_but_generic_reads(const std::string& body) {
  EXPECT_FALSE(read_multiple_accounts_response(body, 1).has_value()) << body;
  EXPECT_TRUE(generic(body, 1).ok()) << body;
}

std::string one_account(const std::string& fields) {
  return R"({"jsonrpc":"2.0","result":{"context":{"slot":7},"value":[{)" + fields + R"(}]},"id":1})";
}
const std::string kFields = R"("data":["AAAAAAEAAAACtzNsyJrW0g==","base64"],"executable":false,"lamports":5,)"
                            R"("owner":"11111111111111111111111111111111","rentEpoch":2)";

TEST(MultipleAccountsReader, reads_the_recorded_fixture_with_its_stated_values) {
  const std::string body = read_fixture("solana_getMultipleAccounts_base64.json");
  const auto fast = read_multiple_accounts_response(body, 1);
  ASSERT_TRUE(fast.has_value());
  EXPECT_EQ(fast->slot, 1u);
  ASSERT_EQ(fast->value.size(), 2u);
  EXPECT_EQ(fast->value[0]->data, testing::b64("AAAAAAEAAAACtzNsyJrW0g=="));
  EXPECT_EQ(fast->value[0]->data.size(), 16u);
  EXPECT_EQ(fast->value[0]->lamports, 1'000'000'000u);
  EXPECT_TRUE(fast->value[1]->data.empty());
  EXPECT_EQ(fast->value[1]->lamports, 5'000'000'000u);
  EXPECT_EQ(fast->value[1]->owner.to_string(), "11111111111111111111111111111111");
  expect_same(*fast, *generic(body, 1));
}

TEST(MultipleAccountsReader, leaves_errors_json_parsed_data_and_other_shapes_to_the_generic_path) {
  for (const char* name : {"solana_getMultipleAccounts_jsonParsed.json", "solana_error_invalid_params_32602.json",
                           "solana_http429_rate_limit_body.json", "solana_getAccountInfo_null_value.json",
                           "solana_getAccountInfo_base58_system.json", "solana_getHealth_unhealthy_behind_32005.json",
                           "jsonrpc2_batch_response_mixed.json"}) {
    const std::string body = read_fixture(name);
    EXPECT_FALSE(read_multiple_accounts_response(body, 1).has_value()) << name;
    EXPECT_FALSE(generic(body, 1).ok()) << name;  // and the generic path names the problem
  }
  const auto parsed = generic(read_fixture("solana_getMultipleAccounts_jsonParsed.json"), 1);
  EXPECT_EQ(parsed.error().code, "E-RPC-ENCODING");
}

TEST(MultipleAccountsReader, declines_an_answer_to_another_request_but_reads_one_without_id) {
  const std::string body = read_fixture("solana_getMultipleAccounts_base64.json");
  EXPECT_FALSE(read_multiple_accounts_response(body, 2).has_value());
  std::string no_id = one_account(kFields);
  no_id.replace(no_id.find(R"(,"id":1)"), 7, "");
  const auto fast = read_multiple_accounts_response(no_id, 9);
  ASSERT_TRUE(fast.has_value());
  expect_same(*fast, *generic(no_id, 9));
}

TEST(MultipleAccountsReader, reads_null_entries_space_base58_data_and_u64_max_rent_epoch) {
  const std::string body =
      R"({"jsonrpc":"2.0","result":{"context":{"apiVersion":"2.0.15","slot":341197053},"value":[null,)"
      R"({"data":["","base64"],"executable":true,"lamports":0,"owner":"11111111111111111111111111111111",)"
      R"("rentEpoch":18446744073709551615,"space":0},)"
      R"({"data":["2NEpo7TZRRrLZSi2U","base58"],"lamports":1,"owner":"11111111111111111111111111111111",)"
      R"("rentEpoch":0,"unknown":{"nested":[1,"x",true,null,{}]}}]},"id":1})";
  const auto fast = read_multiple_accounts_response(body, 1);
  ASSERT_TRUE(fast.has_value());
  ASSERT_EQ(fast->value.size(), 3u);
  EXPECT_FALSE(fast->value[0].has_value());
  EXPECT_TRUE(fast->value[1]->executable);
  EXPECT_EQ(fast->value[1]->rent_epoch, UINT64_MAX);
  EXPECT_EQ(fast->value[1]->space, 0u);
  EXPECT_FALSE(fast->value[2]->space.has_value());
  EXPECT_EQ(std::string(fast->value[2]->data.begin(), fast->value[2]->data.end()), "Hello World!");
  expect_same(*fast, *generic(body, 1));
}

TEST(MultipleAccountsReader, ignores_a_non_boolean_executable_like_the_generic_path) {
  const std::string body = one_account(kFields + R"(,"executable2":1)");
  std::string odd = body;
  odd.replace(odd.find(R"("executable":false)"), 18, R"("executable":"yes")");
  const auto fast = read_multiple_accounts_response(odd, 1);
  ASSERT_TRUE(fast.has_value());
  EXPECT_FALSE(fast->value[0]->executable);
  expect_same(*fast, *generic(odd, 1));
}

TEST(MultipleAccountsReader, declines_valid_json_outside_its_subset) {
  std::string escaped = one_account(kFields);
  escaped.replace(escaped.find("\"lamports\""), 10, R"("lampo\u0072ts")");
  expect_declined_but_generic_reads(escaped);
  expect_declined_but_generic_reads(one_account(kFields + R"(,"lamports":6)"));  // duplicate: generic keeps the last
  expect_declined_but_generic_reads(one_account(kFields + R"(,"note":"caf\u00e9")"));
  expect_declined_but_generic_reads(one_account(kFields + ",\"note\":\"caf\xc3\xa9\""));  // UTF-8
  expect_declined_but_generic_reads(one_account(kFields + R"(,"weight":-1)"));
  expect_declined_but_generic_reads(one_account(kFields + R"(,"weight":1.5e3)"));
  expect_declined_but_generic_reads(R"({"error":null,)" + one_account(kFields).substr(1));
  expect_declined_but_generic_reads("\xEF\xBB\xBF" + one_account(kFields));  // a byte-order mark
  expect_declined_but_generic_reads(R"({"result":{"context":{"slot":1},"value":[null],"value":[]},"id":1})");
  std::string deep = "1";
  for (int i = 0; i < 70; ++i) deep = "[" + deep + "]";
  expect_declined_but_generic_reads(one_account(kFields + R"(,"deep":)" + deep));
}

TEST(MultipleAccountsReader, declines_malformed_and_hostile_bodies_which_the_generic_path_rejects) {
  const std::string good = one_account(kFields);
  std::vector<std::string> bad = {
      "",
      "null",
      good.substr(0, good.size() - 1),            // truncated
      good + "x",                                 // trailing garbage
      good + good,                                // two documents
      one_account(kFields + R"(,"space":null)"),  // space must be a number
      one_account(kFields + R"(,"space":01)"),    // leading zero: not JSON
      one_account(kFields + ",\"x\":\"a\x01\""),  // control character
      one_account(R"("lamports":18446744073709551616,)" + kFields.substr(kFields.find("\"owner"))),
      one_account(R"("data":["AAB=","base64"],"lamports":1,"owner":"11111111111111111111111111111111","rentEpoch":2)"),
      one_account(
          R"("data":["AAAA","base64+zstd"],"lamports":1,"owner":"11111111111111111111111111111111","rentEpoch":2)"),
      one_account(R"("data":["AAAA","base64"],"lamports":1,"owner":"0OIl","rentEpoch":2)"),
      one_account(R"("data":["AAAA","base64"],"lamports":1,"owner":"11111111111111111111111111111111")"),
      R"({"jsonrpc":"2.0","result":{"context":{},"value":[]},"id":1})",
      R"({"jsonrpc":"2.0","result":{"context":{"slot":1},"value":null},"id":1})",
      R"({"jsonrpc":"2.0","result":{"context":{"slot":1},"value":[1]},"id":1})",
  };
  for (const auto& body : bad) {
    EXPECT_FALSE(read_multiple_accounts_response(body, 1).has_value()) << body;
    EXPECT_FALSE(generic(body, 1).ok()) << body;
  }
}

TEST(MultipleAccountsReader, reads_a_full_call_of_100_curves_like_the_generic_path) {
  Json value = Json::array();
  for (int i = 0; i < 100; ++i) {
    std::vector<std::uint8_t> data(151, static_cast<std::uint8_t>(i));
    value.push_back({{"data", {base64_encode(data), "base64"}},
                     {"executable", false},
                     {"lamports", 1'461'600 + i},
                     {"owner", "6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P"},
                     {"rentEpoch", UINT64_MAX},
                     {"space", 151}});
  }
  const std::string body =
      Json{{"jsonrpc", "2.0"}, {"result", {{"context", {{"slot", 300}}}, {"value", value}}}, {"id", 42}}.dump(2);
  const auto fast = read_multiple_accounts_response(body, 42);
  ASSERT_TRUE(fast.has_value());
  ASSERT_EQ(fast->value.size(), 100u);
  EXPECT_EQ(fast->value[99]->data, std::vector<std::uint8_t>(151, 99));
  expect_same(*fast, *generic(body, 42));
}

RC_GTEST_PROP(MultipleAccountsReader, never_answers_what_the_generic_path_would_not, ()) {
  // Mutations of a valid body: a value from the fast path must be exactly the generic one.
  std::string body = one_account(kFields);
  const auto edits = *rc::gen::inRange<int>(1, 4);
  for (int i = 0; i < edits; ++i) {
    const auto at = static_cast<std::size_t>(*rc::gen::inRange<int>(0, static_cast<int>(body.size())));
    const char c = *rc::gen::elementOf(std::string("{}[]\",:0123456789 -.eEtfnul\\Aa=\x01\xc3"));
    switch (*rc::gen::inRange<int>(0, 3)) {
      case 0: body.insert(at, 1, c); break;
      case 1:
        if (at < body.size()) body[at] = c;
        break;
      default:
        if (at < body.size()) body.erase(at, 1);
    }
  }
  const auto fast = read_multiple_accounts_response(body, 1);
  if (!fast) return;
  const auto slow = generic(body, 1);
  RC_ASSERT(slow.ok());
  RC_ASSERT(slow->slot == fast->slot);
  RC_ASSERT(slow->value.size() == fast->value.size());
  for (std::size_t i = 0; i < fast->value.size(); ++i) {
    RC_ASSERT(slow->value[i].has_value() == fast->value[i].has_value());
    if (!fast->value[i]) continue;
    RC_ASSERT(slow->value[i]->lamports == fast->value[i]->lamports);
    RC_ASSERT(slow->value[i]->owner == fast->value[i]->owner);
    RC_ASSERT(slow->value[i]->data == fast->value[i]->data);
    RC_ASSERT(slow->value[i]->executable == fast->value[i]->executable);
    RC_ASSERT(slow->value[i]->rent_epoch == fast->value[i]->rent_epoch);
    RC_ASSERT(slow->value[i]->space == fast->value[i]->space);
  }
}

TEST(MultipleAccountsRequest, is_byte_for_byte_the_generic_request) {
  std::vector<Pubkey> keys;
  for (int i = 0; i < 100; ++i) {
    Pubkey::Bytes b{};
    b[0] = static_cast<std::uint8_t>(i);
    b[31] = 7;
    keys.emplace_back(b);
  }
  for (const std::string commitment : {"confirmed", "finalized", "we\"ird\\"}) {
    EXPECT_EQ(build_multiple_accounts_request(77, keys, commitment),
              build_request(77, "getMultipleAccounts", multiple_accounts_params(keys, commitment)));
  }
  EXPECT_EQ(build_multiple_accounts_request(1, {}, "confirmed"),
            build_request(1, "getMultipleAccounts", multiple_accounts_params({}, "confirmed")));
  keys.push_back(keys.front());
  EXPECT_THROW(build_multiple_accounts_request(1, keys, "confirmed"), std::logic_error);
}

}  // namespace
}  // namespace kt::solana
