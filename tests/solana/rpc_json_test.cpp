#include "solana/rpc_json.hpp"

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "solana/rpc_methods.hpp"

namespace kt::solana {
namespace {

using testing::read_fixture;

RpcResponse parsed(const std::string& fixture) {
  auto r = parse_response(read_fixture(fixture));
  if (!r) throw std::runtime_error(fixture + ": " + r.error().message);
  return *r;
}

TEST(RpcRequest, builds_envelope_with_and_without_params) {
  EXPECT_EQ(Json::parse(build_request(7, "getHealth", nullptr)),
            Json::parse(R"({"jsonrpc":"2.0","id":7,"method":"getHealth"})"));
  const auto key = *Pubkey::parse("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v");
  EXPECT_EQ(Json::parse(build_request(1, "getAccountInfo", account_info_params(key))),
            Json::parse(R"({"jsonrpc":"2.0","id":1,"method":"getAccountInfo","params":
              ["EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",{"encoding":"base64","commitment":"confirmed"}]})"));
}

TEST(RpcRequest, builds_batch_with_consecutive_ids) {
  const auto body = Json::parse(build_batch(10, {{"getSlot", nullptr}, {"getHealth", nullptr}}));
  ASSERT_EQ(body.size(), 2u);
  EXPECT_EQ(body[0]["id"], 10);
  EXPECT_EQ(body[0]["method"], "getSlot");
  EXPECT_EQ(body[1]["id"], 11);
  EXPECT_FALSE(body[1].contains("params"));
}

TEST(RpcResponseParse, reads_invalid_params_error_32602) {
  const auto r = parsed("solana_error_invalid_params_32602.json");
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->code, -32602);
  EXPECT_EQ(r.error->message, "Invalid param: WrongSize");
  EXPECT_EQ(r.id, 1);
  const auto e = result_of(r);
  EXPECT_EQ(e.error().code, "E-RPC-ERROR");
  EXPECT_EQ(e.error().kind, ErrorKind::kRejected);
}

TEST(RpcResponseParse, reads_get_health_ok_and_both_unhealthy_forms) {
  const auto ok = parse_get_health(parsed("solana_getHealth_ok.json"));
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->healthy);

  const auto behind_response = parsed("solana_getHealth_unhealthy_behind_32005.json");
  EXPECT_EQ(behind_response.error->code, -32005);
  const auto behind = parse_get_health(behind_response);
  ASSERT_TRUE(behind.ok());
  EXPECT_FALSE(behind->healthy);
  ASSERT_TRUE(behind->num_slots_behind.has_value());
  EXPECT_EQ(*behind->num_slots_behind, 42u);
  EXPECT_EQ(behind->message, "Node is behind by 42 slots");

  const auto generic = parse_get_health(parsed("solana_getHealth_unhealthy_generic_32005.json"));
  ASSERT_TRUE(generic.ok());
  EXPECT_FALSE(generic->healthy);
  EXPECT_FALSE(generic->num_slots_behind.has_value());
  EXPECT_EQ(generic->message, "Node is unhealthy");
  const auto err = result_of(parsed("solana_getHealth_unhealthy_generic_32005.json"));
  EXPECT_EQ(err.error().code, "E-RPC-UNHEALTHY");
  EXPECT_TRUE(err.error().retryable());
}

TEST(RpcResponseParse, reads_bare_429_body_without_envelope_and_the_enveloped_form) {
  const auto bare = parsed("solana_http429_rate_limit_body.json");
  ASSERT_TRUE(bare.error.has_value());
  EXPECT_EQ(bare.error->code, 429);
  EXPECT_EQ(bare.error->message, "Too many requests for a specific RPC call");
  EXPECT_TRUE(bare.id.is_null());
  EXPECT_EQ(result_of(bare).error().code, "E-RPC-RATE-LIMIT");
  const auto enveloped = parse_response(
      R"({"jsonrpc":"2.0","error":{"code":429,"message":"Too many requests for a specific RPC call"},"id":null})");
  ASSERT_TRUE(enveloped.ok());
  EXPECT_EQ(enveloped->error->code, 429);
}

TEST(RpcResponseParse, reads_get_slot) {
  const auto r = parsed("solana_getSlot.json");
  EXPECT_EQ(*parse_get_slot(r.result), 1234u);
}

TEST(RpcResponseParse, reads_get_account_info_base58_system_account) {
  const auto info = parse_get_account_info(parsed("solana_getAccountInfo_base58_system.json").result);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->slot, 1u);
  ASSERT_TRUE(info->value.has_value());
  EXPECT_EQ(info->value->lamports, 1000000000u);
  EXPECT_EQ(info->value->rent_epoch, 2u);
  EXPECT_EQ(info->value->owner.to_string(), "11111111111111111111111111111111");
  EXPECT_FALSE(info->value->executable);
  EXPECT_EQ(info->value->data.size(), 80u);
}

TEST(RpcResponseParse, reads_null_account_as_nullopt) {
  const auto info = parse_get_account_info(parsed("solana_getAccountInfo_null_value.json").result);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->slot, 146423291u);
  EXPECT_FALSE(info->value.has_value());
  EXPECT_EQ(parsed("solana_getAccountInfo_null_value.json").result["context"]["apiVersion"], "1.10.26");
}

TEST(RpcResponseParse, refuses_json_parsed_account_data_but_reads_the_envelope) {
  const auto r = parsed("solana_getAccountInfo_jsonParsed_usdc_token_account.json");
  const auto& v = r.result["value"];
  EXPECT_EQ(v["data"]["parsed"]["info"]["mint"], "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v");
  EXPECT_EQ(v["data"]["parsed"]["info"]["owner"], "vines1vzrYbzLMRdu58ou5XTby4qAqVRLmqo36NKPTg");
  EXPECT_EQ(v["data"]["parsed"]["info"]["tokenAmount"]["amount"], "36010000000");
  EXPECT_EQ(v["data"]["space"], 165);
  const auto info = parse_get_account_info(r.result);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code, "E-RPC-ENCODING");
  const auto multi = parse_get_multiple_accounts(parsed("solana_getMultipleAccounts_jsonParsed.json").result);
  EXPECT_EQ(multi.error().code, "E-RPC-ENCODING");
}

TEST(RpcResponseParse, reads_get_multiple_accounts_base64) {
  const auto m = parse_get_multiple_accounts(parsed("solana_getMultipleAccounts_base64.json").result);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->slot, 1u);
  ASSERT_EQ(m->value.size(), 2u);
  const std::vector<std::uint8_t> first = {0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                                           0x02, 0xb7, 0x33, 0x6c, 0xc8, 0x9a, 0xd6, 0xd2};
  EXPECT_EQ(m->value[0]->data, first);
  EXPECT_EQ(m->value[0]->lamports, 1000000000u);
  EXPECT_TRUE(m->value[1]->data.empty());
  EXPECT_EQ(m->value[1]->lamports, 5000000000u);
}

TEST(RpcResponseParse, reads_token_balance_with_id_inside_result_and_token_supply) {
  const auto balance_response = parsed("solana_getTokenAccountBalance.json");
  EXPECT_TRUE(balance_response.id.is_null());
  const auto balance = parse_token_amount(balance_response.result);
  ASSERT_TRUE(balance.ok()) << balance.error().message;
  EXPECT_EQ(balance->slot, 1114u);
  EXPECT_EQ(balance->value.amount, 9864u);
  EXPECT_EQ(balance->value.decimals, 2);
  EXPECT_EQ(balance->value.ui_amount_string, "98.64");
  const auto supply = parse_token_amount(parsed("solana_getTokenSupply.json").result);
  ASSERT_TRUE(supply.ok());
  EXPECT_EQ(supply->value.amount, 100000u);
  EXPECT_EQ(supply->value.decimals, 2);
  EXPECT_EQ(supply->value.ui_amount_string, "1000");
  EXPECT_EQ(supply->slot, 1114u);
}

TEST(RpcResponseParse, reads_latest_blockhash) {
  const auto b = parse_latest_blockhash(parsed("solana_getLatestBlockhash.json").result);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->value.blockhash, "EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N");
  EXPECT_EQ(b->value.last_valid_block_height, 3090u);
  EXPECT_EQ(b->slot, 2792u);
}

TEST(RpcResponseParse, reads_token_accounts_by_owner) {
  const auto k = parse_keyed_accounts(parsed("solana_getTokenAccountsByOwner_base64.json").result);
  ASSERT_TRUE(k.ok()) << k.error().message;
  ASSERT_EQ(k->value.size(), 1u);
  EXPECT_EQ(k->value[0].pubkey.to_string(), "5urjqaUDYeHiSiiTkRph6aqYU94GrsBXXSMosxT9b3dF");
  EXPECT_EQ(k->value[0].account.lamports, 2039280u);
  EXPECT_EQ(k->value[0].account.rent_epoch, 341u);
  EXPECT_EQ(k->value[0].account.owner.to_string(), "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
  EXPECT_EQ(k->value[0].account.data.size(), 165u);
}

TEST(RpcResponseParse, reads_program_notification_account_with_u64_max_rent_epoch) {
  const auto body = testing::json_fixture("pumpfun_programNotification_bonding_curve_49b.json");
  const auto account = parse_account(body["params"]["result"]["value"]["account"]);
  ASSERT_TRUE(account.ok()) << account.error().message;
  EXPECT_EQ((*account)->rent_epoch, 18446744073709551615u);
  EXPECT_EQ((*account)->lamports, 17035577720u);
  EXPECT_EQ((*account)->space, 49u);
  EXPECT_EQ((*account)->data.size(), 49u);
}

TEST(RpcResponseParse, rejects_garbage_as_retryable_parse_error) {
  for (const char* body : {"", "<html>502 Bad Gateway</html>", "[]", "{}", R"({"jsonrpc":"2.0","id":1})", "42",
                           R"({"jsonrpc":"2.0","error":{"code":"x"},"id":1})"}) {
    const auto r = parse_response(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code, "E-RPC-PARSE") << body;
    EXPECT_TRUE(r.error().retryable());
  }
}

TEST(RpcBatch, matches_out_of_order_answers_by_id) {
  const auto responses = parse_batch_response(read_fixture("jsonrpc2_batch_response_out_of_order.json"));
  ASSERT_TRUE(responses.ok());
  const auto matched = match_batch(*responses, 1, 2);
  ASSERT_EQ(matched.size(), 2u);
  EXPECT_EQ(*matched[0], "a");
  EXPECT_EQ(*matched[1], "b");
}

TEST(RpcBatch, matches_mixed_results_errors_and_string_ids) {
  const auto responses = parse_batch_response(read_fixture("jsonrpc2_batch_response_mixed.json"));
  ASSERT_TRUE(responses.ok());
  ASSERT_EQ(responses->size(), 5u);
  EXPECT_EQ((*responses)[2].error->code, -32600);
  EXPECT_TRUE((*responses)[2].id.is_null());
  // Ids 1..9 as in the specification's example: 1, 2 and 9 answered, 5 an error, the rest attributed
  // to the id-less -32600 "Invalid Request".
  const auto m = match_batch(*responses, 1, 9);
  EXPECT_EQ(*m[0], 7);
  EXPECT_EQ(*m[1], 19);
  EXPECT_EQ(m[4].error().code, "E-RPC-ERROR");
  EXPECT_NE(m[4].error().message.find("-32601"), std::string::npos);
  EXPECT_EQ(*m[8], Json::parse(R"(["hello",5])"));
  EXPECT_NE(m[2].error().message.find("-32600"), std::string::npos);
}

TEST(RpcBatch, reports_missing_answers_as_parse_errors) {
  const auto responses = parse_batch_response(read_fixture("jsonrpc2_batch_response_out_of_order.json"));
  const auto m = match_batch(*responses, 1, 3);
  EXPECT_EQ(m[2].error().code, "E-RPC-PARSE");
}

TEST(RpcMethods, splits_101_keys_into_100_and_1) {
  std::vector<Pubkey> keys(101);
  const auto chunks = chunk_keys(keys);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].size(), 100u);
  EXPECT_EQ(chunks[1].size(), 1u);
  EXPECT_EQ(chunk_keys(std::span<const Pubkey>(keys).first(100)).size(), 1u);
  EXPECT_TRUE(chunk_keys({}).empty());
}

}  // namespace
}  // namespace kt::solana
