#pragma once
// Program-derived addresses, bit-for-bit as the Solana runtime derives them.
#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "solana/byte_reader.hpp"

namespace kt::solana {

inline constexpr std::string_view kMetaplexProgramId = "metaqbxxUerdq28cj1RbAWkYQm3ybzjb6a8bt518x1s";
inline constexpr std::string_view kTokenProgramId = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
inline constexpr std::string_view kAssociatedTokenProgramId = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL";
inline constexpr std::size_t kMaxSeeds = 16;
inline constexpr std::size_t kMaxSeedLen = 32;

using Seed = std::span<const std::uint8_t>;

/// A seed from text, e.g. seed("metadata").
inline Seed seed(std::string_view text) { return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}; }

/// An address found by find_program_address and the bump seed that produced it.
struct ProgramAddress {
  Pubkey address;
  std::uint8_t bump = 0;
};

/// True when the 32 bytes decompress to a point of edwards25519, exactly as Solana's
/// `bytes_are_curve_point` (curve25519-dalek `CompressedEdwardsY::decompress().is_some()`): the
/// sign bit is ignored, y is taken mod p even if non-canonical, and small-order or
/// mixed-order points count as on the curve. libsodium's is_valid_point is stricter and unsuitable.
bool is_on_ed25519_curve(const std::array<std::uint8_t, 32>& bytes);

/// SHA-256(seeds ‖ program_id ‖ "ProgramDerivedAddress"); "E-PDA-SEEDS" for more than 16 seeds or
/// a seed over 32 bytes, "E-PDA-ON-CURVE" when the hash is a curve point.
Result<Pubkey> create_program_address(const std::vector<Seed>& seeds, const Pubkey& program_id);

/// The first bump from 255 down to 0 for which seeds ‖ [bump] give an off-curve address.
Result<ProgramAddress> find_program_address(const std::vector<Seed>& seeds, const Pubkey& program_id);

/// pump.fun bonding curve of a mint: seeds ["bonding-curve", mint] under the pump program.
Result<ProgramAddress> pumpfun_bonding_curve_address(const Pubkey& mint);

/// Metaplex metadata account of a mint: seeds ["metadata", metaplex program, mint].
Result<ProgramAddress> metaplex_metadata_address(const Pubkey& mint);

/// Associated token account of an owner for a mint: seeds [owner, token program, mint].
Result<ProgramAddress> associated_token_address(const Pubkey& owner, const Pubkey& mint);

}  // namespace kt::solana
