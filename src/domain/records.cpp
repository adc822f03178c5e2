#include "domain/records.hpp"

namespace kt {

std::string_view to_string(LedgerKind kind) {
  switch (kind) {
    case LedgerKind::kOpen: return "open";
    case LedgerKind::kClose: return "close";
    case LedgerKind::kGrant: return "grant";
    case LedgerKind::kReset: return "reset";
    case LedgerKind::kLiquidation: return "liquidation";
  }
  return "open";
}

std::optional<LedgerKind> parse_ledger_kind(std::string_view text) {
  for (auto k :
       {LedgerKind::kOpen, LedgerKind::kClose, LedgerKind::kGrant, LedgerKind::kReset, LedgerKind::kLiquidation}) {
    if (to_string(k) == text) return k;
  }
  return std::nullopt;
}

}  // namespace kt
