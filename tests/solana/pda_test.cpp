#include "solana/pda.hpp"

#include <sodium.h>

#include <gtest/gtest.h>

#include "core/base58.hpp"
#include "solana/pumpfun.hpp"

namespace kt::solana {
namespace {

Pubkey key(std::string_view text) {
  auto k = Pubkey::parse(text);
  if (!k) throw std::runtime_error(k.error().message);
  return *k;
}

std::array<std::uint8_t, 32> hex32(std::string_view hex) {
  std::array<std::uint8_t, 32> out{};
  for (std::size_t i = 0; i < 32; ++i)
    out[i] = static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(2 * i, 2)), nullptr, 16));
  return out;
}

const Pubkey kBpfUpgradeable = key("BPFLoaderUpgradeab1e11111111111111111111111");

TEST(Pda, metaplex_metadata_address_of_usdc_is_the_known_account) {
  const auto pda = metaplex_metadata_address(key("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"));
  ASSERT_TRUE(pda.ok()) << pda.error().message;
  EXPECT_EQ(pda->address.to_string(), "5x38Kp4hvdomTCnCrAny4UtMUt5rQBdB6px2K1Ui45Wq");
  EXPECT_EQ(pda->bump, 255);
}

// Vectors of the Solana SDK's test_create_program_address (also in web3.js, solana-go, ...).
TEST(Pda, create_program_address_matches_solana_sdk_vectors) {
  const std::uint8_t one[] = {1};
  const std::uint8_t zero[] = {0};
  EXPECT_EQ(create_program_address({seed(""), one}, kBpfUpgradeable)->to_string(),
            "BwqrghZA2htAcqq8dzP1WDAhTXYTYWj7CHxF5j7TDBAe");
  EXPECT_EQ(create_program_address({seed("\xe2\x98\x89"), zero}, kBpfUpgradeable)->to_string(),
            "13yWmRpaTR4r5nAktwLqMpRNr28tnVUZw26rTvPSSB19");
  EXPECT_EQ(create_program_address({seed("Talking"), seed("Squirrels")}, kBpfUpgradeable)->to_string(),
            "2fnQrngrQT4SeLcdToJAD96phoEjNL2man2kfRLCASVk");
  const Pubkey seed_key = key("SeedPubey1111111111111111111111111111111111");
  EXPECT_EQ(create_program_address({seed_key.bytes(), one}, kBpfUpgradeable)->to_string(),
            "976ymqVnfE32QFe6NfGDctSvVa36LWnvYxhU6G2232YL");
}

// Solang's test: seeds ["", [1]] under the upgradeable loader find bump 254 (255 is on the curve).
TEST(Pda, find_program_address_skips_an_on_curve_bump_like_solang_test) {
  const std::uint8_t one[] = {1};
  const auto pda = find_program_address({seed(""), one}, kBpfUpgradeable);
  ASSERT_TRUE(pda.ok());
  EXPECT_EQ(pda->bump, 254);
  EXPECT_EQ(pda->address.bytes(), hex32("00c13b4820057d4d07cddf24058df4034cd3379a5f863b4e061ad2c29be62fd5"));
  const std::uint8_t b255[] = {255};
  EXPECT_EQ(create_program_address({seed(""), one, b255}, kBpfUpgradeable).error().code, "E-PDA-ON-CURVE");
}

// The fixture token accounts are associated token accounts: real on-chain addresses derived with
// bumps 255 and 251 (the wrapped-SOL one needs four on-curve candidates rejected first).
TEST(Pda, associated_token_addresses_of_fixture_accounts) {
  const auto usdc = key("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v");
  const auto wsol = key("So11111111111111111111111111111111111111112");
  const auto a = associated_token_address(key("5QxkJGkYTxkJBp575w39Qumi8v2g3bxLWaXjpJsquYky"), usdc);
  EXPECT_EQ(a->address.to_string(), "Ac7YW6ktKRNX9aEFFes2NBsgYtz77PJX3CZg5KK7gx3B");
  EXPECT_EQ(a->bump, 255);
  const auto b = associated_token_address(key("5tvSJRH4BUgJD3sR83Exnn13Zi524Dzo48GB4QaiFu9H"), wsol);
  EXPECT_EQ(b->address.to_string(), "BRUkmtZMCSDjLeGZ7xYqan1eRMGpCqi3QHQX42VniBog");
  EXPECT_EQ(b->bump, 251);
  const auto c = associated_token_address(key("5yv6Vh8FNx93TXeSS94xy8VLZMbTqx4vXp7Zg5bDLZtE"), usdc);
  EXPECT_EQ(c->address.to_string(), "5urjqaUDYeHiSiiTkRph6aqYU94GrsBXXSMosxT9b3dF");
}

TEST(Pda, found_address_is_off_curve_deterministic_and_the_first_off_curve_bump) {
  const auto mint = key("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v");
  const auto first = pumpfun_bonding_curve_address(mint);
  const auto second = pumpfun_bonding_curve_address(mint);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->address, second->address);
  EXPECT_EQ(first->bump, second->bump);
  EXPECT_FALSE(is_on_ed25519_curve(first->address.bytes()));
  const auto program = key(kPumpFunProgramId);
  for (int bump = 255; bump > first->bump; --bump) {
    const std::uint8_t b[] = {static_cast<std::uint8_t>(bump)};
    EXPECT_EQ(create_program_address({seed("bonding-curve"), mint.bytes(), b}, program).error().code, "E-PDA-ON-CURVE");
  }
  const std::uint8_t found[] = {first->bump};
  EXPECT_EQ(*create_program_address({seed("bonding-curve"), mint.bytes(), found}, program), first->address);
}

TEST(Pda, rejects_too_many_or_too_long_seeds) {
  const std::string long_seed(33, 'x');
  EXPECT_EQ(find_program_address({seed(long_seed)}, kBpfUpgradeable).error().code, "E-PDA-SEEDS");
  std::vector<Seed> sixteen(16, seed("a"));
  EXPECT_EQ(find_program_address(sixteen, kBpfUpgradeable).error().code, "E-PDA-SEEDS");
  EXPECT_TRUE(create_program_address(sixteen, kBpfUpgradeable).ok() ||
              create_program_address(sixteen, kBpfUpgradeable).error().code == "E-PDA-ON-CURVE");
  sixteen.push_back(seed("a"));
  EXPECT_EQ(create_program_address(sixteen, kBpfUpgradeable).error().code, "E-PDA-SEEDS");
}

TEST(Ed25519Curve, base_point_and_real_wallet_keys_are_on_the_curve) {
  // The ed25519 base point (y = 4/5).
  EXPECT_TRUE(is_on_ed25519_curve(hex32("5866666666666666666666666666666666666666666666666666666666666666")));
  // Wallet addresses are public keys, hence curve points.
  EXPECT_TRUE(is_on_ed25519_curve(key("5QxkJGkYTxkJBp575w39Qumi8v2g3bxLWaXjpJsquYky").bytes()));
  EXPECT_TRUE(is_on_ed25519_curve(key("vines1vzrYbzLMRdu58ou5XTby4qAqVRLmqo36NKPTg").bytes()));
}

TEST(Ed25519Curve, counts_small_order_points_as_on_curve_unlike_libsodium_is_valid_point) {
  ASSERT_GE(sodium_init(), 0);
  // The identity (y = 1) and the all-zero key (y = 0, x = sqrt(-1), order 4) decompress in dalek.
  const auto identity = hex32("0100000000000000000000000000000000000000000000000000000000000000");
  const std::array<std::uint8_t, 32> zero{};
  EXPECT_TRUE(is_on_ed25519_curve(identity));
  EXPECT_TRUE(is_on_ed25519_curve(zero));
  EXPECT_EQ(crypto_core_ed25519_is_valid_point(identity.data()), 0);
  EXPECT_EQ(crypto_core_ed25519_is_valid_point(zero.data()), 0);
  // Non-canonical y = p + 1 (≡ 1) with the sign bit set still decompresses in dalek.
  EXPECT_TRUE(is_on_ed25519_curve(hex32("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")));
  // y = 2 is not on the curve: (4 - 1)/(4d + 1) is not a square.
  EXPECT_FALSE(is_on_ed25519_curve(hex32("0200000000000000000000000000000000000000000000000000000000000000")));
}

TEST(Ed25519Curve, every_libsodium_valid_point_is_on_the_curve) {
  ASSERT_GE(sodium_init(), 0);
  for (int i = 0; i < 200; ++i) {
    std::array<std::uint8_t, 32> p{};
    crypto_core_ed25519_random(p.data());
    ASSERT_EQ(crypto_core_ed25519_is_valid_point(p.data()), 1);
    EXPECT_TRUE(is_on_ed25519_curve(p));
  }
}

}  // namespace
}  // namespace kt::solana
