#include "solana/base64.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace kt::solana {
namespace {

std::string as_string(const std::vector<std::uint8_t>& v) { return std::string(v.begin(), v.end()); }
std::vector<std::uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

TEST(Base64, decodes_rfc4648_vectors) {
  EXPECT_EQ(as_string(*base64_decode("")), "");
  EXPECT_EQ(as_string(*base64_decode("Zg==")), "f");
  EXPECT_EQ(as_string(*base64_decode("Zm8=")), "fo");
  EXPECT_EQ(as_string(*base64_decode("Zm9v")), "foo");
  EXPECT_EQ(as_string(*base64_decode("Zm9vYg==")), "foob");
  EXPECT_EQ(as_string(*base64_decode("Zm9vYmE=")), "fooba");
  EXPECT_EQ(as_string(*base64_decode("Zm9vYmFy")), "foobar");
}

TEST(Base64, decodes_the_multiple_accounts_fixture_data_to_its_stated_hex) {
  const auto bytes = base64_decode("AAAAAAEAAAACtzNsyJrW0g==");
  ASSERT_TRUE(bytes.ok());
  const std::vector<std::uint8_t> expected = {0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                                              0x02, 0xb7, 0x33, 0x6c, 0xc8, 0x9a, 0xd6, 0xd2};
  EXPECT_EQ(*bytes, expected);
}

TEST(Base64, rejects_non_canonical_and_malformed_input) {
  for (const char* bad :
       {"Zg", "Zg=", "Zh==", "Zm9=", "Z===", "====", "Zg==Zg==", "Zm 9v", "Zm9v\n", "Zm-v", "Zm_v", "=Zm9", "Zm=v"}) {
    const auto r = base64_decode(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "E-BASE64") << bad;
  }
}

RC_GTEST_PROP(Base64, round_trips_any_bytes, (const std::vector<std::uint8_t>& bytes)) {
  const auto decoded = base64_decode(base64_encode(bytes));
  RC_ASSERT(decoded.ok());
  RC_ASSERT(*decoded == bytes);
}

/// The symbol-at-a-time decoder the group-at-a-time one replaced: same bytes, same messages.
Result<std::vector<std::uint8_t>> reference_decode(std::string_view text) {
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto bad = [](std::string what) { return rejected("E-BASE64", "invalid base64: " + std::move(what)); };
  if (text.size() % 4 != 0) return bad("length " + std::to_string(text.size()) + " is not a multiple of 4");
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = (text.size() >= 2 && text[text.size() - 2] == '=') ? 2 : 1;
  std::vector<std::uint8_t> out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < text.size() - padding; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto at = kAlphabet.find(static_cast<char>(c));
    if (at == std::string_view::npos) {
      return bad(c == '=' ? "'=' at position " + std::to_string(i) + " before the end"
                          : "character code " + std::to_string(c) + " at position " + std::to_string(i));
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(at);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  if (acc != 0) return bad("non-zero padding bits");
  return out;
}

RC_GTEST_PROP(Base64, decodes_any_text_exactly_like_the_symbol_at_a_time_reference, ()) {
  // Mostly alphabet symbols, with '=', and a few bytes outside the alphabet anywhere.
  const auto symbol = rc::gen::weightedOneOf<char>(
      {{60, rc::gen::elementOf(std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"))},
       {4, rc::gen::just('=')},
       {1, rc::gen::arbitrary<char>()}});
  const auto text = *rc::gen::container<std::string>(symbol);
  const auto got = base64_decode(text);
  const auto want = reference_decode(text);
  RC_ASSERT(got.ok() == want.ok());
  if (got.ok()) {
    RC_ASSERT(*got == *want);
  } else {
    RC_ASSERT(got.error().message == want.error().message);
  }
}

TEST(Base64, decodes_whole_groups_and_both_padded_tails_of_longer_text) {
  for (std::size_t n = 0; n < 40; ++n) {
    std::vector<std::uint8_t> bytes(n);
    for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<std::uint8_t>(i * 37 + 11);
    const auto decoded = base64_decode(base64_encode(bytes));
    ASSERT_TRUE(decoded.ok()) << n;
    EXPECT_EQ(*decoded, bytes) << n;
  }
}

TEST(Base64, encodes_like_rfc4648) {
  EXPECT_EQ(base64_encode(bytes_of("foobar")), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(bytes_of("fooba")), "Zm9vYmE=");
  EXPECT_EQ(base64_encode(bytes_of("foob")), "Zm9vYg==");
}

}  // namespace
}  // namespace kt::solana
