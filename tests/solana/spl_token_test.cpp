#include "solana/spl_token.hpp"

#include <gtest/gtest.h>

#include "fixtures.hpp"

namespace kt::solana {
namespace {

using testing::b64;
using testing::b64_fixture;

void put_u16(std::vector<std::uint8_t>& v, std::uint16_t x) {
  v.push_back(static_cast<std::uint8_t>(x));
  v.push_back(static_cast<std::uint8_t>(x >> 8));
}
void put_u32(std::vector<std::uint8_t>& v, std::uint32_t x) {
  for (int i = 0; i < 4; ++i) v.push_back(static_cast<std::uint8_t>(x >> (8 * i)));
}
void put_u64(std::vector<std::uint8_t>& v, std::uint64_t x) {
  for (int i = 0; i < 8; ++i) v.push_back(static_cast<std::uint8_t>(x >> (8 * i)));
}
void put_key(std::vector<std::uint8_t>& v, std::string_view base58) {
  const auto key = Pubkey::parse(base58);
  v.insert(v.end(), key->bytes().begin(), key->bytes().end());
}
void put_str(std::vector<std::uint8_t>& v, std::string_view s) {
  put_u32(v, static_cast<std::uint32_t>(s.size()));
  v.insert(v.end(), s.begin(), s.end());
}

TEST(SplMint, decodes_usdc_mint_fixture_with_stated_values) {
  const auto data = b64_fixture("spl_mint_usdc_mainnet.b64");
  ASSERT_EQ(data.size(), 82u);
  const auto mint = decode_mint(data);
  ASSERT_TRUE(mint.ok()) << mint.error().message;
  ASSERT_TRUE(mint->mint_authority.has_value());
  EXPECT_EQ(mint->mint_authority->to_string(), "BJE5MMbqXjVwjAF7oxwPYXnTXDyspzZyt4vwenNw5ruG");
  EXPECT_EQ(mint->supply, 7680939435888239u);
  EXPECT_EQ(mint->decimals, 6);
  EXPECT_TRUE(mint->is_initialized);
  ASSERT_TRUE(mint->freeze_authority.has_value());
  EXPECT_EQ(mint->freeze_authority->to_string(), "7dGbd2QZcCKcTndnHcTL8q7SMVXAkp688NTQYwrRCrar");
  EXPECT_FALSE(mint->token_2022_extensions);
  EXPECT_TRUE(mint->extensions.empty());
}

TEST(SplMint, reads_none_authorities_when_the_coption_tag_is_zero) {
  auto data = b64_fixture("spl_mint_usdc_mainnet.b64");
  data[0] = 0;
  data[46] = 0;
  const auto mint = decode_mint(data);
  ASSERT_TRUE(mint.ok());
  EXPECT_FALSE(mint->mint_authority.has_value());
  EXPECT_FALSE(mint->freeze_authority.has_value());
}

TEST(SplMint, rejects_short_data_bad_tags_and_sizes_between_82_and_166) {
  auto data = b64_fixture("spl_mint_usdc_mainnet.b64");
  EXPECT_EQ(decode_mint(std::span(data).first(81)).error().code, "E-ACCOUNT-DATA");
  auto bad_tag = data;
  bad_tag[0] = 2;
  EXPECT_FALSE(decode_mint(bad_tag).ok());
  auto bad_bool = data;
  bad_bool[45] = 7;
  EXPECT_FALSE(decode_mint(bad_bool).ok());
  auto padded = data;
  padded.resize(165, 0);
  EXPECT_FALSE(decode_mint(padded).ok());
}

// A Token-2022 mint built by hand: base mint, padding, AccountType 1, then three TLV entries:
// MintCloseAuthority (3), MetadataPointer (18) and TokenMetadata (19).
std::vector<std::uint8_t> token2022_mint() {
  std::vector<std::uint8_t> v;
  put_u32(v, 1);
  put_key(v, "BJE5MMbqXjVwjAF7oxwPYXnTXDyspzZyt4vwenNw5ruG");
  put_u64(v, 1'000'000'000'000'000);
  v.push_back(9);  // decimals
  v.push_back(1);  // initialized
  put_u32(v, 0);
  v.insert(v.end(), 32, 0);
  v.resize(165, 0);
  v.push_back(1);  // AccountType::Mint
  put_u16(v, 3);
  put_u16(v, 32);
  put_key(v, "7dGbd2QZcCKcTndnHcTL8q7SMVXAkp688NTQYwrRCrar");
  put_u16(v, 18);
  put_u16(v, 64);
  put_key(v, "BJE5MMbqXjVwjAF7oxwPYXnTXDyspzZyt4vwenNw5ruG");
  put_key(v, "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v");
  std::vector<std::uint8_t> meta;
  put_key(meta, "BJE5MMbqXjVwjAF7oxwPYXnTXDyspzZyt4vwenNw5ruG");
  put_key(meta, "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v");
  put_str(meta, "Paper Dog");
  put_str(meta, "PDOG");
  put_str(meta, "https://example.org/pdog.json");
  put_u32(meta, 1);
  put_str(meta, "twitter");
  put_str(meta, "@pdog");
  put_u16(v, 19);
  put_u16(v, static_cast<std::uint16_t>(meta.size()));
  v.insert(v.end(), meta.begin(), meta.end());
  return v;
}

TEST(SplMint, decodes_token2022_mint_extensions_and_token_metadata) {
  const auto data = token2022_mint();
  const auto mint = decode_mint(data);
  ASSERT_TRUE(mint.ok()) << mint.error().message;
  EXPECT_TRUE(mint->token_2022_extensions);
  EXPECT_EQ(mint->supply, 1'000'000'000'000'000u);
  EXPECT_EQ(mint->decimals, 9);
  EXPECT_FALSE(mint->freeze_authority.has_value());
  ASSERT_EQ(mint->extensions.size(), 3u);
  EXPECT_EQ(mint->extensions[0].type, 3);
  EXPECT_EQ(mint->extensions[0].name(), "MintCloseAuthority");
  EXPECT_EQ(mint->extensions[0].value_offset, 170u);
  EXPECT_EQ(mint->extensions[1].name(), "MetadataPointer");
  EXPECT_EQ(mint->extensions[1].length, 64);
  EXPECT_EQ(mint->extensions[2].name(), "TokenMetadata");
  EXPECT_TRUE(mint->has_extension(ExtensionType::kMetadataPointer));
  EXPECT_FALSE(mint->has_extension(ExtensionType::kPermanentDelegate));
  ASSERT_TRUE(mint->token_metadata.has_value());
  const auto& md = *mint->token_metadata;
  EXPECT_EQ(md.name, "Paper Dog");
  EXPECT_EQ(md.symbol, "PDOG");
  EXPECT_EQ(md.uri, "https://example.org/pdog.json");
  EXPECT_EQ(md.mint.to_string(), "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v");
  ASSERT_TRUE(md.update_authority.has_value());
  EXPECT_EQ(md.update_authority->to_string(), "BJE5MMbqXjVwjAF7oxwPYXnTXDyspzZyt4vwenNw5ruG");
  ASSERT_EQ(md.additional_metadata.size(), 1u);
  EXPECT_EQ(md.additional_metadata[0].first, "twitter");
  EXPECT_EQ(md.additional_metadata[0].second, "@pdog");
}

TEST(SplMint, accepts_trailing_zero_padding_after_token2022_extensions) {
  auto data = token2022_mint();
  data.resize(data.size() + 10, 0);
  const auto mint = decode_mint(data);
  ASSERT_TRUE(mint.ok()) << mint.error().message;
  EXPECT_EQ(mint->extensions.size(), 3u);
}

TEST(SplMint, rejects_token2022_with_wrong_account_type_or_overlong_extension) {
  auto wrong_type = token2022_mint();
  wrong_type[165] = 2;
  EXPECT_EQ(decode_mint(wrong_type).error().code, "E-ACCOUNT-DATA");
  auto overlong = token2022_mint();
  overlong[168] = 0xff;  // MintCloseAuthority length 0x00ff... > remaining
  overlong[169] = 0xff;
  EXPECT_FALSE(decode_mint(overlong).ok());
  auto truncated_metadata = token2022_mint();
  truncated_metadata.pop_back();
  EXPECT_FALSE(decode_mint(truncated_metadata).ok());
}

TEST(SplMint, names_extension_numbers) {
  EXPECT_EQ(extension_name(1), "TransferFeeConfig");
  EXPECT_EQ(extension_name(3), "MintCloseAuthority");
  EXPECT_EQ(extension_name(12), "PermanentDelegate");
  EXPECT_EQ(extension_name(14), "TransferHook");
  EXPECT_EQ(extension_name(18), "MetadataPointer");
  EXPECT_EQ(extension_name(19), "TokenMetadata");
  EXPECT_EQ(extension_name(27), "PausableAccount");
  EXPECT_EQ(extension_name(28), "Unknown");
}

TEST(SplTokenAccount, decodes_plain_usdc_token_account_fixture) {
  const auto data = b64_fixture("spl_token_account_usdc_plain.b64");
  ASSERT_EQ(data.size(), 165u);
  const auto acc = decode_token_account(data);
  ASSERT_TRUE(acc.ok()) << acc.error().message;
  EXPECT_EQ(acc->mint.to_string(), "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v");
  EXPECT_EQ(acc->owner.to_string(), "5QxkJGkYTxkJBp575w39Qumi8v2g3bxLWaXjpJsquYky");
  EXPECT_EQ(acc->amount, 217775889u);
  EXPECT_FALSE(acc->delegate.has_value());
  EXPECT_EQ(acc->state, TokenAccountState::kInitialized);
  EXPECT_FALSE(acc->is_native.has_value());
  EXPECT_EQ(acc->delegated_amount, 0u);
  EXPECT_FALSE(acc->close_authority.has_value());
}

TEST(SplTokenAccount, decodes_wrapped_sol_account_with_native_reserve) {
  const auto data = b64_fixture("spl_token_account_wsol_native.b64");
  const auto acc = decode_token_account(data);
  ASSERT_TRUE(acc.ok()) << acc.error().message;
  EXPECT_EQ(acc->mint.to_string(), "So11111111111111111111111111111111111111112");
  EXPECT_EQ(acc->owner.to_string(), "5tvSJRH4BUgJD3sR83Exnn13Zi524Dzo48GB4QaiFu9H");
  EXPECT_EQ(acc->amount, 86840850u);
  EXPECT_EQ(acc->state, TokenAccountState::kInitialized);
  ASSERT_TRUE(acc->is_native.has_value());
  EXPECT_EQ(*acc->is_native, 2039280u);
  EXPECT_EQ(acc->amount + *acc->is_native, 88880130u);  // the account's stated lamports
  EXPECT_FALSE(acc->delegate.has_value());
  EXPECT_FALSE(acc->close_authority.has_value());
}

TEST(SplTokenAccount, decodes_token_account_from_get_token_accounts_by_owner_fixture) {
  const auto body = testing::json_fixture("solana_getTokenAccountsByOwner_base64.json");
  const auto data = b64(body["result"]["value"][0]["account"]["data"][0].get<std::string>());
  const auto acc = decode_token_account(data);
  ASSERT_TRUE(acc.ok()) << acc.error().message;
  EXPECT_EQ(acc->mint.to_string(), "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v");
  EXPECT_EQ(acc->owner.to_string(), "5yv6Vh8FNx93TXeSS94xy8VLZMbTqx4vXp7Zg5bDLZtE");
  EXPECT_EQ(acc->amount, 5768089553967u);
  EXPECT_EQ(acc->state, TokenAccountState::kInitialized);
  EXPECT_FALSE(acc->delegate.has_value());
  EXPECT_FALSE(acc->is_native.has_value());
}

TEST(SplTokenAccount, rejects_short_data_and_unknown_state) {
  auto data = b64_fixture("spl_token_account_usdc_plain.b64");
  EXPECT_EQ(decode_token_account(std::span(data).first(164)).error().code, "E-ACCOUNT-DATA");
  auto bad_state = data;
  bad_state[108] = 3;
  EXPECT_FALSE(decode_token_account(bad_state).ok());
  auto longer_not_account = data;
  longer_not_account.push_back(1);  // AccountType Mint at 165
  EXPECT_FALSE(decode_token_account(longer_not_account).ok());
}

}  // namespace
}  // namespace kt::solana
