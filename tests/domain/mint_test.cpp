#include "domain/mint.hpp"

#include <gtest/gtest.h>

namespace kt {
namespace {

constexpr const char* kUsdc = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";

TEST(Mint, accepts_real_mints_and_keeps_their_text) {
  auto m = Mint::parse(kUsdc);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->to_string(), kUsdc);
  EXPECT_EQ(Mint(m->bytes()).to_string(), kUsdc);
  EXPECT_EQ(m->short_form(), "EPjF…Dt1v");
  EXPECT_TRUE(Mint::parse("11111111111111111111111111111111").ok());  // 32 leading '1's = 32 zero bytes
}

TEST(Mint, rejects_the_web3js_invalid_vectors_with_the_reason) {
  EXPECT_NE(Mint::parse("not-a-base-58-encoded-string").error().message.find("32 to 44"), std::string::npos);
  EXPECT_NE(Mint::parse("2xea9jWJ9eca3dFiefTeSPP85c6qXqunCqL2h2JNffM").error().message.find("31 bytes"),
            std::string::npos);
  EXPECT_NE(Mint::parse("1111111111111111111111111111111").error().message.find("32 to 44"), std::string::npos);
  EXPECT_NE(Mint::parse("1JEKNVnkbo3jma5nREBBJCDoXFVeKkD56V3xKrvRmWxFG").error().message.find("32 to 44"),
            std::string::npos);
}

TEST(Mint, rejects_confusable_characters_and_whitespace) {
  std::string address = kUsdc;
  for (char c : {'0', 'O', 'I', 'l'}) {
    address[5] = c;
    auto r = Mint::parse(address);
    ASSERT_FALSE(r.ok()) << c;
    EXPECT_EQ(r.error().code, "E-ADDRESS");
    EXPECT_NE(r.error().message.find(std::string("'") + c + "' at position 6"), std::string::npos) << r.error().message;
  }
  EXPECT_FALSE(Mint::parse(std::string(" ") + kUsdc).ok());
  EXPECT_FALSE(Mint::parse(std::string(kUsdc) + "\n").ok());
  EXPECT_FALSE(Mint::parse("EPjFWdd5Aufq SqeM2qN1xzybapC8G4wEGGkZwyTDt1v").ok());
}

TEST(Mint, orders_and_hashes_by_bytes) {
  auto a = *Mint::parse(kUsdc);
  auto b = *Mint::parse("DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263");
  EXPECT_NE(a, b);
  EXPECT_EQ(a, *Mint::parse(kUsdc));
  EXPECT_EQ(std::hash<Mint>{}(a), std::hash<Mint>{}(*Mint::parse(kUsdc)));
}

}  // namespace
}  // namespace kt
