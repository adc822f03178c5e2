// libFuzzer entry point: JSON-RPC response parsing and typed results
#include <cstddef>
#include <cstdint>
#include <span>

#include <string_view>

#include "solana/rpc_methods.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto r = kt::solana::parse_response(text); r.ok() && r->ok()) {
    (void)kt::solana::parse_get_account_info(r->result);
    (void)kt::solana::parse_get_multiple_accounts(r->result);
    (void)kt::solana::parse_token_amount(r->result);
    (void)kt::solana::parse_get_slot(r->result);
    (void)kt::solana::parse_get_health(*r);
  }
  if (const auto b = kt::solana::parse_batch_response(text); b.ok()) (void)kt::solana::match_batch(*b, 1, 4);
  return 0;
}
