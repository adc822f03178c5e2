#include "solana/pda.hpp"

#include <sodium.h>

#include <cstring>

#include "solana/pumpfun.hpp"

namespace kt::solana {
namespace {

// Arithmetic modulo p = 2^255 - 19 on four 64-bit limbs (little-endian). Values stay below 2^256
// between operations and are made canonical (< p) only where compared.
using u64 = std::uint64_t;
using u128x = unsigned __int128;
struct Fe {
  u64 v[4];
};

constexpr Fe kP = {{0xffffffffffffffedULL, 0xffffffffffffffffULL, 0xffffffffffffffffULL, 0x7fffffffffffffffULL}};
// d = -121665/121666 mod p, the edwards25519 curve constant.
constexpr Fe kD = {{0x75eb4dca135978a3ULL, 0x00700a4d4141d8abULL, 0x8cc740797779e898ULL, 0x52036cee2b6ffe73ULL}};
// (p - 1) / 2, the exponent of Euler's criterion.
constexpr Fe kHalfPMinus1 = {
    {0xfffffffffffffff6ULL, 0xffffffffffffffffULL, 0xffffffffffffffffULL, 0x3fffffffffffffffULL}};

// Adds c·38 (2^256 ≡ 38 mod p) until no carry is left.
void fold_carry(Fe& r, u128x c) {
  while (c != 0) {
    u128x cur = u128x{r.v[0]} + c * 38;
    r.v[0] = static_cast<u64>(cur);
    c = cur >> 64;
    for (int i = 1; i < 4 && c != 0; ++i) {
      cur = u128x{r.v[i]} + c;
      r.v[i] = static_cast<u64>(cur);
      c = cur >> 64;
    }
  }
}

Fe mul(const Fe& a, const Fe& b) {
  u64 t[8] = {};
  for (int i = 0; i < 4; ++i) {
    u128x carry = 0;
    for (int j = 0; j < 4; ++j) {
      const u128x cur = u128x{a.v[i]} * b.v[j] + t[i + j] + carry;
      t[i + j] = static_cast<u64>(cur);
      carry = cur >> 64;
    }
    t[i + 4] = static_cast<u64>(carry);
  }
  Fe r{};
  u128x c = 0;
  for (int i = 0; i < 4; ++i) {
    const u128x cur = u128x{t[i]} + u128x{t[i + 4]} * 38 + c;
    r.v[i] = static_cast<u64>(cur);
    c = cur >> 64;
  }
  fold_carry(r, c);
  return r;
}

Fe add_small(const Fe& a, u64 k) {
  Fe r = a;
  u128x c = k;
  for (int i = 0; i < 4 && c != 0; ++i) {
    const u128x cur = u128x{r.v[i]} + c;
    r.v[i] = static_cast<u64>(cur);
    c = cur >> 64;
  }
  fold_carry(r, c);
  return r;
}

bool geq(const Fe& a, const Fe& b) {
  for (int i = 3; i >= 0; --i) {
    if (a.v[i] != b.v[i]) return a.v[i] > b.v[i];
  }
  return true;
}

Fe sub_raw(const Fe& a, const Fe& b) {  // a - b, requires a >= b
  Fe r{};
  u64 borrow = 0;
  for (int i = 0; i < 4; ++i) {
    const u128x cur = u128x{a.v[i]} - b.v[i] - borrow;
    r.v[i] = static_cast<u64>(cur);
    borrow = static_cast<u64>(cur >> 64) & 1;
  }
  return r;
}

Fe canonical(Fe a) {
  while (geq(a, kP)) a = sub_raw(a, kP);
  return a;
}

Fe pow(const Fe& base, const Fe& exponent) {
  Fe result = {{1, 0, 0, 0}};
  for (int limb = 3; limb >= 0; --limb) {
    for (int bit = 63; bit >= 0; --bit) {
      result = mul(result, result);
      if ((exponent.v[limb] >> bit) & 1) result = mul(result, base);
    }
  }
  return result;
}

bool is_zero(const Fe& a) { return (a.v[0] | a.v[1] | a.v[2] | a.v[3]) == 0; }
bool is_one(const Fe& a) { return a.v[0] == 1 && (a.v[1] | a.v[2] | a.v[3]) == 0; }

Result<Pubkey> program_id(std::string_view text) {
  auto key = Pubkey::parse(text);
  if (!key) return fatal("E-PDA-PROGRAM", "bad built-in program id " + std::string(text));
  return key;
}

Result<void> check_seeds(const std::vector<Seed>& seeds, std::size_t max_seeds) {
  if (seeds.size() > max_seeds) {
    return rejected("E-PDA-SEEDS", std::to_string(seeds.size()) + " seeds, at most " + std::to_string(max_seeds));
  }
  for (const auto& s : seeds) {
    if (s.size() > kMaxSeedLen)
      return rejected("E-PDA-SEEDS", "a seed of " + std::to_string(s.size()) + " bytes, at most 32");
  }
  return ok_result();
}

std::array<std::uint8_t, 32> pda_hash(const std::vector<Seed>& seeds, const Seed* bump, const Pubkey& program) {
  static constexpr std::string_view kMarker = "ProgramDerivedAddress";
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  for (const auto& s : seeds) crypto_hash_sha256_update(&state, s.data(), s.size());
  if (bump != nullptr) crypto_hash_sha256_update(&state, bump->data(), bump->size());
  crypto_hash_sha256_update(&state, program.bytes().data(), program.bytes().size());
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(kMarker.data()), kMarker.size());
  std::array<std::uint8_t, 32> out{};
  crypto_hash_sha256_final(&state, out.data());
  return out;
}

}  // namespace

bool is_on_ed25519_curve(const std::array<std::uint8_t, 32>& bytes) {
  Fe y{};
  for (int i = 0; i < 4; ++i) {
    u64 limb = 0;
    for (int b = 7; b >= 0; --b) limb = (limb << 8) | bytes[static_cast<std::size_t>(i * 8 + b)];
    y.v[i] = limb;
  }
  y.v[3] &= 0x7fffffffffffffffULL;  // the sign bit of x is not part of y
  y = canonical(y);
  const Fe yy = canonical(mul(y, y));
  // u = y² - 1 and v = d·y² + 1; x² = u / v has a root iff u·v is a square (or zero) mod p.
  const Fe u = is_zero(yy) ? sub_raw(kP, Fe{{1, 0, 0, 0}}) : sub_raw(yy, Fe{{1, 0, 0, 0}});
  const Fe v = add_small(mul(kD, yy), 1);
  const Fe chi = canonical(pow(mul(u, v), kHalfPMinus1));
  return is_zero(chi) || is_one(chi);
}

Result<Pubkey> create_program_address(const std::vector<Seed>& seeds, const Pubkey& program) {
  KT_TRY_VOID(check_seeds(seeds, kMaxSeeds));
  const auto hash = pda_hash(seeds, nullptr, program);
  if (is_on_ed25519_curve(hash)) return rejected("E-PDA-ON-CURVE", "the derived address is on the ed25519 curve");
  return Pubkey(hash);
}

Result<ProgramAddress> find_program_address(const std::vector<Seed>& seeds, const Pubkey& program) {
  KT_TRY_VOID(check_seeds(seeds, kMaxSeeds - 1));
  for (int bump = 255; bump >= 0; --bump) {
    const std::uint8_t b = static_cast<std::uint8_t>(bump);
    const Seed bump_seed(&b, 1);
    const auto hash = pda_hash(seeds, &bump_seed, program);
    if (!is_on_ed25519_curve(hash)) return ProgramAddress{Pubkey(hash), b};
  }
  return not_found("E-PDA-NOT-FOUND", "no bump seed gives an off-curve address");
}

Result<ProgramAddress> pumpfun_bonding_curve_address(const Pubkey& mint) {
  KT_TRY(const Pubkey program, program_id(kPumpFunProgramId));
  return find_program_address({seed("bonding-curve"), mint.bytes()}, program);
}

Result<ProgramAddress> metaplex_metadata_address(const Pubkey& mint) {
  KT_TRY(const Pubkey program, program_id(kMetaplexProgramId));
  return find_program_address({seed("metadata"), program.bytes(), mint.bytes()}, program);
}

Result<ProgramAddress> associated_token_address(const Pubkey& owner, const Pubkey& mint) {
  KT_TRY(const Pubkey program, program_id(kAssociatedTokenProgramId));
  KT_TRY(const Pubkey token_program, program_id(kTokenProgramId));
  return find_program_address({owner.bytes(), token_program.bytes(), mint.bytes()}, program);
}

}  // namespace kt::solana
