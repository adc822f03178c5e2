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

TEST(Base64, encodes_like_rfc4648) {
  EXPECT_EQ(base64_encode(bytes_of("foobar")), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(bytes_of("fooba")), "Zm9vYmE=");
  EXPECT_EQ(base64_encode(bytes_of("foob")), "Zm9vYg==");
}

}  // namespace
}  // namespace kt::solana
