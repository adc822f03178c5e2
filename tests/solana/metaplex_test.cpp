#include "solana/metaplex.hpp"

#include <gtest/gtest.h>

#include "fixtures.hpp"

namespace kt::solana {
namespace {

TEST(MetaplexMetadata, decodes_usdc_metadata_fixture_with_nul_padding_trimmed) {
  const auto data = testing::b64_fixture("metaplex_metadata_usdc.b64");
  ASSERT_EQ(data.size(), 679u);
  const auto md = decode_metaplex_metadata(data);
  ASSERT_TRUE(md.ok()) << md.error().message;
  EXPECT_EQ(md->key, 4);
  EXPECT_EQ(md->update_authority.to_string(), "2wmVCSfPxGPjrnMMn7rchp4uaeoTqN39mXFC2zhPdri9");
  EXPECT_EQ(md->mint.to_string(), "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v");
  EXPECT_EQ(md->name, "USD Coin");
  EXPECT_EQ(md->symbol, "USDC");
  EXPECT_EQ(md->uri, "");
  EXPECT_EQ(md->seller_fee_basis_points, 0);
  EXPECT_FALSE(md->creators.has_value());
  EXPECT_FALSE(md->primary_sale_happened);
  EXPECT_TRUE(md->is_mutable);
}

TEST(MetaplexMetadata, reads_creators_when_present) {
  auto data = testing::b64_fixture("metaplex_metadata_usdc.b64");
  // Rebuild the tail after seller_fee_basis_points (@319..321) with one verified creator.
  std::vector<std::uint8_t> v(data.begin(), data.begin() + 321);
  v.push_back(1);
  v.insert(v.end(), {1, 0, 0, 0});
  v.insert(v.end(), data.begin() + 33, data.begin() + 65);  // the USDC mint as creator address
  v.push_back(1);
  v.push_back(100);
  v.push_back(1);  // primary_sale_happened
  v.push_back(0);  // is_mutable
  const auto md = decode_metaplex_metadata(v);
  ASSERT_TRUE(md.ok()) << md.error().message;
  ASSERT_TRUE(md->creators.has_value());
  ASSERT_EQ(md->creators->size(), 1u);
  EXPECT_EQ((*md->creators)[0].address.to_string(), "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v");
  EXPECT_TRUE((*md->creators)[0].verified);
  EXPECT_EQ((*md->creators)[0].share, 100);
  EXPECT_TRUE(md->primary_sale_happened);
  EXPECT_FALSE(md->is_mutable);
}

TEST(MetaplexMetadata, rejects_wrong_key_truncation_and_huge_string_lengths) {
  const auto data = testing::b64_fixture("metaplex_metadata_usdc.b64");
  auto wrong_key = data;
  wrong_key[0] = 6;
  EXPECT_EQ(decode_metaplex_metadata(wrong_key).error().code, "E-ACCOUNT-DATA");
  EXPECT_FALSE(decode_metaplex_metadata(std::span(data).first(323)).ok());
  auto huge = data;
  huge[65 + 3] = 0x7f;  // name length 0x7f000020
  EXPECT_FALSE(decode_metaplex_metadata(huge).ok());
}

}  // namespace
}  // namespace kt::solana
