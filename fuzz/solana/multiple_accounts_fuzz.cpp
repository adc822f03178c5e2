// libFuzzer entry point: the getMultipleAccounts fast path against the generic parser. Whatever
// the fast path answers, the generic path must answer too, with the same accounts.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "solana/multiple_accounts_reader.hpp"

namespace {

using namespace kt::solana;

bool same(const AccountList& a, const AccountList& b) {
  if (a.slot != b.slot || a.value.size() != b.value.size()) return false;
  for (std::size_t i = 0; i < a.value.size(); ++i) {
    const auto &x = a.value[i], &y = b.value[i];
    if (x.has_value() != y.has_value()) return false;
    if (x && (x->lamports != y->lamports || x->owner != y->owner || x->data != y->data ||
              x->executable != y->executable || x->rent_epoch != y->rent_epoch || x->space != y->space))
      return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  constexpr std::uint64_t kId = 1;
  const auto fast = read_multiple_accounts_response(text, kId);
  if (!fast) return 0;
  const auto response = parse_response(text);
  if (!response.ok() || !response->ok()) __builtin_trap();
  if (response->id.is_number_unsigned() && response->id.get<std::uint64_t>() != kId) __builtin_trap();
  const auto generic = parse_get_multiple_accounts(response->result);
  if (!generic.ok() || !same(*fast, *generic)) __builtin_trap();
  return 0;
}
