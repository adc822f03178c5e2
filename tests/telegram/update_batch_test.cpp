// Splitting a getUpdates answer without a full parse: boundaries and update ids agree with the
// full JSON parse on well-formed answers, and anything unusual is left to the full parse.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "telegram/update_batch.hpp"

namespace kt::telegram {
namespace {

using nlohmann::json;

/// The split of `body` checked against nlohmann's parse of the same body.
void expect_agrees_with_full_parse(const std::string& body) {
  SCOPED_TRACE(body);
  auto split = split_updates_answer(body);
  ASSERT_TRUE(split.has_value());
  const json tree = json::parse(body);
  const json& result = tree.at("result");
  ASSERT_EQ(split->size(), result.size());
  for (std::size_t i = 0; i < result.size(); ++i) {
    const RawUpdate& raw = (*split)[i];
    EXPECT_EQ(json::parse(body.substr(raw.offset, raw.size)), result[i]) << "element " << i;
    const auto id = result[i].find("update_id");
    if (id != result[i].end() && id->is_number_integer() && !id->is_number_unsigned()) {
      EXPECT_EQ(raw.update_id, id->get<std::int64_t>()) << "element " << i;
    } else if (id == result[i].end() || !id->is_number_integer()) {
      EXPECT_FALSE(raw.update_id.has_value()) << "element " << i;
    }
  }
}

TEST(UpdateBatch, splits_a_typical_answer_and_reads_each_update_id) {
  const json answer = {
      {"ok", true},
      {"result",
       {{{"update_id", 100},
         {"message",
          {{"message_id", 1},
           {"from", {{"id", 7}, {"is_bot", false}, {"first_name", "A \"quoted\" name }]"}}},
           {"chat", {{"id", 7}, {"type", "private"}}},
           {"text", "/open 1.5 {[\\\"]} ✓ \u00e9"}}}},
        {{"callback_query",
          {{"id", "cb1"}, {"from", {{"id", 8}}}, {"data", "p:1"}, {"message", {{"chat", {{"id", 8}}}}}}},
         {"update_id", 101}}}}};
  expect_agrees_with_full_parse(answer.dump());
  expect_agrees_with_full_parse(answer.dump(2));  // whitespace and newlines anywhere
  auto split = split_updates_answer(answer.dump());
  ASSERT_TRUE(split);
  EXPECT_EQ((*split)[0].update_id, 100);
  EXPECT_EQ((*split)[1].update_id, 101);  // not the first member
}

TEST(UpdateBatch, member_order_extra_members_and_empty_results) {
  expect_agrees_with_full_parse(R"({"result":[{"update_id":5}],"ok":true})");
  expect_agrees_with_full_parse(R"({"ok":true,"description":"x ] } \" [","result":[ ]})");
  expect_agrees_with_full_parse(R"( { "ok" : true , "result" : [ { "update_id" : -3 } , {} ] } )");
  EXPECT_EQ(split_updates_answer(R"({"ok":true,"result":[]})")->size(), 0u);
}

TEST(UpdateBatch, update_ids_that_are_not_plain_integers_are_left_to_the_full_parse) {
  auto split = split_updates_answer(
      R"({"ok":true,"result":[{"update_id":"12"},{"update_id":1.0},{"update_id":1e3},{"update_id":null},)"
      R"({"update_id":{"a":1}},{"update_id":99999999999999999999},{"upd\u0061te_id":4},{"message":{"update_id":6}},)"
      R"({"update_id":1,"update_id":2}]})");
  ASSERT_TRUE(split);
  ASSERT_EQ(split->size(), 9u);
  for (std::size_t i = 0; i < 8; ++i) EXPECT_FALSE((*split)[i].update_id.has_value()) << "element " << i;
  EXPECT_EQ((*split)[8].update_id, 2);  // a repeated member: the last wins, as in the full parse
  EXPECT_EQ(json::parse(R"({"update_id":1,"update_id":2})")["update_id"], 2);
}

TEST(UpdateBatch, anything_but_a_successful_well_delimited_answer_is_refused) {
  for (const char* body : {
           "", "null", "[]",
           R"({"ok":false,"error_code":429,"description":"Too Many Requests","parameters":{"retry_after":3}})",
           R"({"ok":true})", R"({"ok":"true","result":[]})", R"({"ok":true,"result":{}})",
           R"({"ok":true,"result":[1,2]})", R"({"ok":true,"result":["{}"]})",
           R"({"ok":true,"result":[{"update_id":1}],"result":[]})",
           R"({"ok":true,"result":[{"update_id":1})",             // truncated
           R"({"ok":true,"result":[{"update_id":1]}]})",          // brackets crossed
           R"({"ok":true,"result":[{"text":"unterminated}]})",    // string never ends
           R"({"ok":true,"result":[{"update_id":1}]} trailing)",  // something after the object
           "{\"ok\":true,\"result\":[{\"text\":\"a\x01b\"}]}",    // a raw control character
           R"({"o\u006b":true,"result":[]})",                     // escaped member name
           R"({"ok":true,"result":[{"update_id":1},]})",          // trailing comma
       }) {
    EXPECT_FALSE(split_updates_answer(body).has_value()) << body;
  }
  // Nesting deeper than any update is refused rather than followed.
  std::string deep = R"({"ok":true,"result":[{"a":)" + std::string(600, '[') + std::string(600, ']') + "}]}";
  EXPECT_FALSE(split_updates_answer(deep).has_value());
}

TEST(UpdateBatch, an_element_with_bad_insides_is_delimited_and_caught_by_its_own_parse) {
  const std::string body = R"({"ok":true,"result":[{"update_id":1},{"update_id":2,"x":tru},{"update_id":3}]})";
  auto split = split_updates_answer(body);
  ASSERT_TRUE(split);
  ASSERT_EQ(split->size(), 3u);
  EXPECT_EQ((*split)[1].update_id, 2);
  EXPECT_TRUE(json::parse(body.substr((*split)[1].offset, (*split)[1].size), nullptr, false).is_discarded());
  EXPECT_EQ((*split)[2].update_id, 3);
}

}  // namespace
}  // namespace kt::telegram
