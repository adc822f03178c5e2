#include "storage/sqlite/rows.hpp"

#include <charconv>
#include <string>

#include "core/checked_math.hpp"
#include "storage/sqlite/errors.hpp"

namespace kt::storage::sqlite {

Error corrupt_row(std::string_view table, std::string_view what) {
  return fatal(kStorageCode, "database file is corrupt: " + std::string(table) + " has " + std::string(what));
}

std::string u64_text(std::uint64_t value) { return std::to_string(value); }

Result<std::uint64_t> parse_u64(std::string_view text, std::string_view table) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) {
    return corrupt_row(table, "a quantity that is not a u64: '" + std::string(text) + "'");
  }
  return value;
}

Result<Price> parse_price(std::string_view num, std::string_view den, std::string_view table) {
  const auto n = u128_from_string(num);
  const auto d = u128_from_string(den);
  if (!n || !d) return corrupt_row(table, "a price term that is not a u128");
  // from_terms, not from_ratio: a stored price keeps its exact terms (no re-reduction).
  auto price = Price::from_terms(*n, *d);
  if (!price) return corrupt_row(table, "an invalid price " + std::string(num) + "/" + std::string(den));
  return std::move(price).value();
}

Result<Mint> parse_mint(std::string_view text, std::string_view table) {
  auto mint = Mint::parse(text);
  if (!mint) return corrupt_row(table, "an invalid token address '" + std::string(text) + "'");
  return std::move(mint).value();
}

void bind_price(Statement& st, int num_index, const std::optional<Price>& price) {
  if (price) {
    st.bind(num_index, std::string_view(u128_to_string(price->num())));
    st.bind(num_index + 1, std::string_view(u128_to_string(price->den())));
  } else {
    st.bind_null(num_index).bind_null(num_index + 1);
  }
}

std::optional<std::int64_t> millis(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return to_unix_millis(*t);
}

Result<User> read_user(const Statement& row) {
  User user;
  user.id = UserId{row.column_int64(0)};
  user.telegram_id = TelegramUserId{row.column_int64(1)};
  user.username = std::string(row.column_text(2));
  const auto role = parse_role(row.column_text(3));
  if (!role) return corrupt_row("users", "an unknown role");
  user.role = *role;
  user.created_at = from_unix_millis(row.column_int64(4));
  user.last_active_at = from_unix_millis(row.column_int64(5));
  return user;
}

Result<Wallet> read_wallet(const Statement& row) {
  return Wallet{UserId{row.column_int64(0)}, Lamports{row.column_int64(1)}, Lamports{row.column_int64(2)},
                from_unix_millis(row.column_int64(3))};
}

Result<LedgerEntry> read_ledger_entry(const Statement& row) {
  constexpr std::string_view kTable = "wallet_ledger";
  LedgerEntry entry;
  entry.id = row.column_int64(0);
  entry.user = UserId{row.column_int64(1)};
  const auto kind = parse_ledger_kind(row.column_text(2));
  if (!kind) return corrupt_row(kTable, "an unknown kind");
  entry.kind = *kind;
  entry.amount = Lamports{row.column_int64(3)};
  entry.balance_after = Lamports{row.column_int64(4)};
  if (!row.column_is_null(5)) entry.position = PositionId{row.column_int64(5)};
  if (!row.column_is_null(6)) {
    KT_TRY(entry.mint, parse_mint(row.column_text(6), kTable));
  }
  KT_TRY(entry.qty_raw, parse_u64(row.column_text(7), kTable));
  if (!row.column_is_null(8)) {
    KT_TRY(entry.price, parse_price(row.column_text(8), row.column_text(9), kTable));
  }
  entry.fee = Lamports{row.column_int64(10)};
  entry.pnl = Lamports{row.column_int64(11)};
  if (!row.column_is_null(12)) entry.update_id = row.column_int64(12);
  entry.note = std::string(row.column_text(13));
  entry.created_at = from_unix_millis(row.column_int64(14));
  return entry;
}

Result<Position> read_position(const Statement& row) {
  constexpr std::string_view kTable = "positions";
  Position p;
  p.id = PositionId{row.column_int64(0)};
  p.user = UserId{row.column_int64(1)};
  KT_TRY(p.mint, parse_mint(row.column_text(2), kTable));
  p.symbol = std::string(row.column_text(3));
  p.decimals = static_cast<std::uint8_t>(row.column_int64(4));
  const auto side = parse_side(row.column_text(5));
  const auto status = parse_position_status(row.column_text(6));
  if (!side || !status) return corrupt_row(kTable, "an unknown side or status");
  p.side = *side;
  p.status = *status;
  KT_TRY(p.qty_raw, parse_u64(row.column_text(7), kTable));
  KT_TRY(p.initial_qty_raw, parse_u64(row.column_text(8), kTable));
  p.cost = Lamports{row.column_int64(9)};
  p.initial_cost = Lamports{row.column_int64(10)};
  p.entry_notional = Lamports{row.column_int64(11)};
  KT_TRY(p.entry_price, parse_price(row.column_text(12), row.column_text(13), kTable));
  p.realized_pnl = Lamports{row.column_int64(14)};
  if (!row.column_is_null(15)) {
    KT_TRY(p.exit_price, parse_price(row.column_text(15), row.column_text(16), kTable));
  }
  p.source = std::string(row.column_text(17));
  p.simulated = row.column_int64(18) != 0;
  p.opened_at = from_unix_millis(row.column_int64(19));
  if (!row.column_is_null(20)) p.closed_at = from_unix_millis(row.column_int64(20));
  return p;
}

Result<TokenRecord> read_token(const Statement& row) {
  TokenRecord token;
  KT_TRY(token.mint, parse_mint(row.column_text(0), "solana_tokens"));
  token.symbol = std::string(row.column_text(1));
  token.name = std::string(row.column_text(2));
  token.decimals = static_cast<std::uint8_t>(row.column_int64(3));
  token.is_active = row.column_int64(4) != 0;
  token.updated_at = from_unix_millis(row.column_int64(5));
  return token;
}

Result<PriceRecord> read_price(const Statement& row) {
  constexpr std::string_view kTable = "token_prices";
  PriceRecord price;
  KT_TRY(price.mint, parse_mint(row.column_text(0), kTable));
  KT_TRY(price.price, parse_price(row.column_text(1), row.column_text(2), kTable));
  price.decimals = static_cast<std::uint8_t>(row.column_int64(3));
  if (!row.column_is_null(4)) price.usd_per_token = row.column_double(4);
  price.source = std::string(row.column_text(5));
  price.observed_at = from_unix_millis(row.column_int64(6));
  return price;
}

Result<TokenMetricsRecord> read_token_metrics(const Statement& row) {
  constexpr std::string_view kTable = "token_metrics";
  TokenMetricsRecord m;
  KT_TRY(m.mint, parse_mint(row.column_text(0), kTable));
  if (row.column_is_null(1)) return corrupt_row(kTable, "no last_price_sol");
  m.last_price_sol = row.column_double(1);
  const auto optional_double = [&row](int col) {
    return row.column_is_null(col) ? std::nullopt : std::optional<double>(row.column_double(col));
  };
  m.change_1h_pct = optional_double(2);
  m.change_24h_pct = optional_double(3);
  m.high_24h = optional_double(4);
  m.low_24h = optional_double(5);
  m.volatility_24h = optional_double(6);
  m.updated_at = from_unix_millis(row.column_int64(7));
  return m;
}

Result<Order> read_order(const Statement& row) {
  constexpr std::string_view kTable = "orders";
  Order o;
  o.id = OrderId{row.column_int64(0)};
  o.user = UserId{row.column_int64(1)};
  const auto kind = parse_order_kind(row.column_text(2));
  const auto status = parse_order_status(row.column_text(3));
  if (!kind || !status) return corrupt_row(kTable, "an unknown kind or status");
  o.kind = *kind;
  o.status = *status;
  KT_TRY(o.mint, parse_mint(row.column_text(4), kTable));
  o.decimals = static_cast<std::uint8_t>(row.column_int64(5));
  if (!row.column_is_null(6)) o.position = PositionId{row.column_int64(6)};
  const auto side = parse_side(row.column_text(7));
  if (!side) return corrupt_row(kTable, "an unknown side");
  o.side = *side;
  o.size = Lamports{row.column_int64(8)};
  if (!row.column_is_null(9)) {
    KT_TRY(o.trigger, parse_price(row.column_text(9), row.column_text(10), kTable));
  }
  o.trail_bps = static_cast<std::uint32_t>(row.column_int64(11));
  if (!row.column_is_null(12)) {
    KT_TRY(o.extreme, parse_price(row.column_text(12), row.column_text(13), kTable));
  }
  o.close_percent = static_cast<int>(row.column_int64(14));
  if (!row.column_is_null(15)) o.expires_at = from_unix_millis(row.column_int64(15));
  o.created_at = from_unix_millis(row.column_int64(16));
  o.updated_at = from_unix_millis(row.column_int64(17));
  if (!row.column_is_null(18)) o.filled_at = from_unix_millis(row.column_int64(18));
  if (!row.column_is_null(19)) o.filled_position = PositionId{row.column_int64(19)};
  o.note = std::string(row.column_text(20));
  return o;
}

}  // namespace kt::storage::sqlite
