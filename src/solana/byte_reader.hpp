#pragma once
// Bounds-checked little-endian reads over account bytes; every decoder reads through this.
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

#include "core/result.hpp"
#include "domain/mint.hpp"

namespace kt::solana {

/// A Solana public key (any account address); the domain's validated 32-byte key type.
using Pubkey = Mint;

/// Sequential reader; each read fails with "E-ACCOUNT-DATA" instead of reading past the end.
class ByteReader {
 public:
  ByteReader(std::span<const std::uint8_t> bytes, std::string_view what) : bytes_(bytes), what_(what) {}

  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return bytes_.size() - offset_; }
  Result<void> seek(std::size_t offset) {
    if (offset > bytes_.size()) return short_data(offset - bytes_.size());
    offset_ = offset;
    return ok_result();
  }

  Result<std::uint8_t> u8() {
    KT_TRY_VOID(need(1));
    return bytes_[offset_++];
  }
  Result<std::uint16_t> u16() { return uint<std::uint16_t>(); }
  Result<std::uint32_t> u32() { return uint<std::uint32_t>(); }
  Result<std::uint64_t> u64() { return uint<std::uint64_t>(); }
  Result<unsigned __int128> u128() { return uint<unsigned __int128>(); }

  /// A bool byte; anything but 0 or 1 is malformed, as borsh says.
  Result<bool> boolean() {
    const std::size_t at = offset_;
    KT_TRY(const std::uint8_t b, u8());
    if (b > 1) return malformed("byte " + std::to_string(b) + " at offset " + std::to_string(at) + " is not a bool");
    return b == 1;
  }

  Result<Pubkey> pubkey() {
    KT_TRY_VOID(need(32));
    Pubkey::Bytes out{};
    std::memcpy(out.data(), bytes_.data() + offset_, 32);
    offset_ += 32;
    return Pubkey(out);
  }

  /// Raw bytes, without copying.
  Result<std::span<const std::uint8_t>> bytes(std::size_t n) {
    KT_TRY_VOID(need(n));
    auto out = bytes_.subspan(offset_, n);
    offset_ += n;
    return out;
  }

  /// A borsh string: u32 length, then that many bytes.
  Result<std::string> borsh_string() {
    KT_TRY(const std::uint32_t len, u32());
    KT_TRY(const auto raw, bytes(len));
    return std::string(reinterpret_cast<const char*>(raw.data()), raw.size());
  }

  Error malformed(const std::string& detail) const {
    return rejected("E-ACCOUNT-DATA", std::string(what_) + ": " + detail);
  }

 private:
  template <class T>
  Result<T> uint() {
    KT_TRY_VOID(need(sizeof(T)));
    T v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) v |= static_cast<T>(bytes_[offset_ + i]) << (8 * i);
    offset_ += sizeof(T);
    return v;
  }
  Result<void> need(std::size_t n) const {
    if (n > remaining()) return short_data(n - remaining());
    return ok_result();
  }
  Error short_data(std::size_t missing) const {
    return malformed(std::to_string(bytes_.size()) + " bytes are too short: " + std::to_string(missing) +
                     " more needed at offset " + std::to_string(offset_));
  }

  std::span<const std::uint8_t> bytes_;
  std::string_view what_;
  std::size_t offset_ = 0;
};

}  // namespace kt::solana
