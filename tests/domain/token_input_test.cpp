#include "domain/token_input.hpp"

#include <gtest/gtest.h>

namespace kt {
namespace {

constexpr const char* kBonk = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";

std::string mint_of(const std::string& text) {
  auto r = parse_token_input(text);
  if (!r.ok()) return "error: " + r.error().message;
  return r->mint ? r->mint->to_string() : "symbol: " + r->symbol;
}

TEST(TokenInput, accepts_a_bare_mint_with_surrounding_whitespace) {
  EXPECT_EQ(mint_of(kBonk), kBonk);
  EXPECT_EQ(mint_of(std::string("  ") + kBonk + "\n"), kBonk);
}

TEST(TokenInput, extracts_the_mint_from_every_supported_link) {
  const std::string b = kBonk;
  for (const std::string& link : {
           "https://pump.fun/coin/" + b,
           "https://pump.fun/" + b + "?ref=abc",
           "https://dexscreener.com/solana/" + b,
           "https://birdeye.so/token/" + b + "?chain=solana",
           "https://solscan.io/token/" + b + "#holders",
           "https://jup.ag/swap/SOL-" + b,
           "https://jup.ag/swap/So11111111111111111111111111111111111111112-" + b,
           "https://gmgn.ai/sol/token/" + b,
           "gmgn.ai/sol/token/abc_" + b,
           "www.solscan.io/token/" + b,
       }) {
    EXPECT_EQ(mint_of(link), b) << link;
  }
}

TEST(TokenInput, accepts_symbols_in_any_case_with_or_without_dollar) {
  EXPECT_EQ(mint_of("BONK"), "symbol: BONK");
  EXPECT_EQ(mint_of("bonk"), "symbol: BONK");
  EXPECT_EQ(mint_of("$Bonk"), "symbol: BONK");
}

TEST(TokenInput, rejects_unsupported_links_and_garbage_saying_what_is_expected) {
  EXPECT_NE(mint_of("https://evil.example/token/" + std::string(kBonk)).find("not supported"), std::string::npos);
  EXPECT_NE(mint_of("https://pump.fun/board").find("holds no token address"), std::string::npos);
  EXPECT_NE(mint_of("'; DROP TABLE users;--").find("mint address"), std::string::npos);
  EXPECT_NE(mint_of("<b>x</b>").find("is not a token"), std::string::npos);
  EXPECT_NE(mint_of("").find("No token"), std::string::npos);
  EXPECT_NE(mint_of(std::string(4096, 'A')).find("too long"), std::string::npos);
}

TEST(TokenInput, rejects_addresses_with_zero_width_characters_or_bad_letters) {
  std::string zw = kBonk;
  zw.insert(10, "\xE2\x80\x8B");
  EXPECT_NE(mint_of(zw).find("invisible"), std::string::npos);
  std::string bad = kBonk;
  bad[3] = '0';
  EXPECT_NE(mint_of(bad).find("'0' at position 4"), std::string::npos);
}

TEST(TokenInput, refuses_a_link_with_two_different_tokens) {
  const std::string link =
      "https://jup.ag/swap/" + std::string(kBonk) + "-EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
  EXPECT_NE(mint_of(link).find("more than one"), std::string::npos);
}

}  // namespace
}  // namespace kt
