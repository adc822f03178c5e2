#include "core/base58.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

namespace kt {
namespace {

std::vector<std::uint8_t> from_hex(const std::string& hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

nlohmann::json vectors() {
  std::ifstream in(std::string(KT_FIXTURES_DIR) + "/solana_address_vectors_web3js.json");
  return nlohmann::json::parse(in);
}

TEST(Base58, decodes_every_web3js_valid_vector_to_its_stated_bytes_and_back) {
  int checked_bytes = 0;
  const auto all = vectors();
  for (const auto& v : all["valid_32_byte_addresses"]) {
    const std::string address = v["address"];
    auto bytes = base58::decode(address);
    ASSERT_TRUE(bytes.ok()) << address;
    EXPECT_EQ(bytes->size(), 32u) << address;
    if (v.contains("bytes_hex")) {
      EXPECT_EQ(*bytes, from_hex(v["bytes_hex"])) << address;
      ++checked_bytes;
    }
    EXPECT_EQ(base58::encode(*bytes), address);
  }
  EXPECT_EQ(checked_bytes, 3);
}

TEST(Base58, keeps_leading_zero_bytes_as_leading_ones) {
  const std::vector<std::uint8_t> bytes = {0, 0, 0, 1};
  EXPECT_EQ(base58::encode(bytes), "1112");
  EXPECT_EQ(*base58::decode("1112"), bytes);
  EXPECT_EQ(base58::encode(std::vector<std::uint8_t>(32, 0)), std::string(32, '1'));
}

TEST(Base58, rejects_characters_outside_the_alphabet_naming_them) {
  for (const char* bad : {"0", "O", "I", "l", "abc def", "+"}) {
    auto r = base58::decode(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "E-BASE58");
  }
  EXPECT_NE(base58::decode("ab0").error().message.find("'0' at position 3"), std::string::npos);
}

TEST(Base58, decodes_the_empty_string_to_no_bytes) { EXPECT_TRUE(base58::decode("")->empty()); }

}  // namespace
}  // namespace kt
