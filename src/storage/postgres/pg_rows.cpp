#include "storage/postgres/pg_rows.hpp"

#include <charconv>

#include <fmt/format.h>

namespace kt::storage::postgres {

namespace {

Error corrupt(std::string_view what, std::string_view text) {
  return fatal(kStorageCode, fmt::format("stored {} is invalid: '{}'", what, text));
}

Result<std::uint64_t> u64_at(const PgResult& r, int row, int col) {
  std::string_view t = r.text(row, col);
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc{} || end != t.data() + t.size()) return corrupt("quantity", t);
  return v;
}

Result<u128> u128_at(const PgResult& r, int row, int col) {
  std::string_view t = r.text(row, col);
  auto v = u128_from_string(t);
  if (!v) return corrupt("price term", t);
  return *v;
}

/// A price from two NUMERIC columns, terms exactly as stored; (0, x) is the zero "no price".
Result<Price> price_at(const PgResult& r, int row, int num_col, int den_col) {
  KT_TRY(u128 num, u128_at(r, row, num_col));
  KT_TRY(u128 den, u128_at(r, row, den_col));
  if (num == 0) return Price{};
  auto price = Price::from_terms(num, den);
  if (!price.ok()) return corrupt("price", fmt::format("{}/{}", r.text(row, num_col), r.text(row, den_col)));
  return price;
}

Result<std::optional<Price>> optional_price_at(const PgResult& r, int row, int num_col, int den_col) {
  if (r.is_null(row, num_col) || r.is_null(row, den_col)) return std::optional<Price>{};
  KT_TRY(Price p, price_at(r, row, num_col, den_col));
  return std::optional<Price>{p};
}

Result<Mint> mint_at(const PgResult& r, int row, int col) {
  auto mint = Mint::parse(r.text(row, col));
  if (!mint.ok()) return corrupt("mint", r.text(row, col));
  return *mint;
}

TimePoint time_at(const PgResult& r, int row, int col) { return from_unix_millis(r.int64(row, col)); }

std::uint8_t decimals_at(const PgResult& r, int row, int col) { return static_cast<std::uint8_t>(r.int64(row, col)); }

}  // namespace

Result<User> decode_user(const PgResult& r, int row) {
  User u;
  u.id = UserId{r.int64(row, 0)};
  u.telegram_id = TelegramUserId{r.int64(row, 1)};
  u.username = std::string(r.text(row, 2));
  auto role = parse_role(r.text(row, 3));
  if (!role) return corrupt("role", r.text(row, 3));
  u.role = *role;
  u.created_at = time_at(r, row, 4);
  u.last_active_at = time_at(r, row, 5);
  return u;
}

Wallet decode_wallet(const PgResult& r, int row) {
  return Wallet{UserId{r.int64(row, 0)}, Lamports{r.int64(row, 1)}, Lamports{r.int64(row, 2)}, time_at(r, row, 3)};
}

Result<Position> decode_position(const PgResult& r, int row) {
  Position p;
  p.id = PositionId{r.int64(row, 0)};
  p.user = UserId{r.int64(row, 1)};
  KT_TRY(p.mint, mint_at(r, row, 2));
  p.symbol = std::string(r.text(row, 3));
  p.decimals = decimals_at(r, row, 4);
  auto side = parse_side(r.text(row, 5));
  if (!side) return corrupt("side", r.text(row, 5));
  p.side = *side;
  auto status = parse_position_status(r.text(row, 6));
  if (!status) return corrupt("status", r.text(row, 6));
  p.status = *status;
  KT_TRY(p.qty_raw, u64_at(r, row, 7));
  KT_TRY(p.initial_qty_raw, u64_at(r, row, 8));
  p.cost = Lamports{r.int64(row, 9)};
  p.initial_cost = Lamports{r.int64(row, 10)};
  p.entry_notional = Lamports{r.int64(row, 11)};
  KT_TRY(p.entry_price, price_at(r, row, 12, 13));
  p.realized_pnl = Lamports{r.int64(row, 14)};
  KT_TRY(p.exit_price, optional_price_at(r, row, 15, 16));
  p.source = std::string(r.text(row, 17));
  p.simulated = r.boolean(row, 18);
  p.opened_at = time_at(r, row, 19);
  if (!r.is_null(row, 20)) p.closed_at = time_at(r, row, 20);
  return p;
}

Result<LedgerEntry> decode_ledger(const PgResult& r, int row) {
  LedgerEntry e;
  e.id = r.int64(row, 0);
  e.user = UserId{r.int64(row, 1)};
  auto kind = parse_ledger_kind(r.text(row, 2));
  if (!kind) return corrupt("ledger kind", r.text(row, 2));
  e.kind = *kind;
  e.amount = Lamports{r.int64(row, 3)};
  e.balance_after = Lamports{r.int64(row, 4)};
  if (!r.is_null(row, 5)) e.position = PositionId{r.int64(row, 5)};
  if (!r.is_null(row, 6)) {
    KT_TRY(Mint mint, mint_at(r, row, 6));
    e.mint = mint;
  }
  KT_TRY(e.qty_raw, u64_at(r, row, 7));
  KT_TRY(e.price, optional_price_at(r, row, 8, 9));
  e.fee = Lamports{r.int64(row, 10)};
  e.pnl = Lamports{r.int64(row, 11)};
  if (!r.is_null(row, 12)) e.update_id = r.int64(row, 12);
  e.note = std::string(r.text(row, 13));
  e.created_at = time_at(r, row, 14);
  return e;
}

Result<TokenRecord> decode_token(const PgResult& r, int row) {
  TokenRecord t;
  KT_TRY(t.mint, mint_at(r, row, 0));
  t.symbol = std::string(r.text(row, 1));
  t.name = std::string(r.text(row, 2));
  t.decimals = decimals_at(r, row, 3);
  t.is_active = r.boolean(row, 4);
  if (!r.is_null(row, 5)) t.updated_at = time_at(r, row, 5);
  return t;
}

Result<PriceRecord> decode_price(const PgResult& r, int row) {
  PriceRecord p;
  KT_TRY(p.mint, mint_at(r, row, 0));
  KT_TRY(p.price, price_at(r, row, 1, 2));
  p.decimals = decimals_at(r, row, 3);
  if (!r.is_null(row, 4)) p.usd_per_token = r.float64(row, 4);
  p.source = std::string(r.text(row, 5));
  p.observed_at = time_at(r, row, 6);
  return p;
}

Result<TokenMetricsRecord> decode_token_metrics(const PgResult& r, int row) {
  TokenMetricsRecord m;
  KT_TRY(m.mint, mint_at(r, row, 0));
  if (r.is_null(row, 1)) return corrupt("token_metrics.last_price_sol", "NULL");
  m.last_price_sol = r.float64(row, 1);
  const auto optional_float = [&r, row](int col) {
    return r.is_null(row, col) ? std::nullopt : std::optional<double>(r.float64(row, col));
  };
  m.change_1h_pct = optional_float(2);
  m.change_24h_pct = optional_float(3);
  m.high_24h = optional_float(4);
  m.low_24h = optional_float(5);
  m.volatility_24h = optional_float(6);
  m.updated_at = time_at(r, row, 7);
  return m;
}

Result<Order> decode_order(const PgResult& r, int row) {
  Order o;
  o.id = OrderId{r.int64(row, 0)};
  o.user = UserId{r.int64(row, 1)};
  auto kind = parse_order_kind(r.text(row, 2));
  if (!kind) return corrupt("order kind", r.text(row, 2));
  o.kind = *kind;
  auto status = parse_order_status(r.text(row, 3));
  if (!status) return corrupt("order status", r.text(row, 3));
  o.status = *status;
  KT_TRY(o.mint, mint_at(r, row, 4));
  o.decimals = decimals_at(r, row, 5);
  if (!r.is_null(row, 6)) o.position = PositionId{r.int64(row, 6)};
  auto side = parse_side(r.text(row, 7));
  if (!side) return corrupt("side", r.text(row, 7));
  o.side = *side;
  o.size = Lamports{r.int64(row, 8)};
  KT_TRY(o.trigger, optional_price_at(r, row, 9, 10));
  o.trail_bps = static_cast<std::uint32_t>(r.int64(row, 11));
  KT_TRY(o.extreme, optional_price_at(r, row, 12, 13));
  o.close_percent = static_cast<int>(r.int64(row, 14));
  if (!r.is_null(row, 15)) o.expires_at = time_at(r, row, 15);
  o.created_at = time_at(r, row, 16);
  o.updated_at = time_at(r, row, 17);
  if (!r.is_null(row, 18)) o.filled_at = time_at(r, row, 18);
  if (!r.is_null(row, 19)) o.filled_position = PositionId{r.int64(row, 19)};
  o.note = std::string(r.text(row, 20));
  return o;
}

std::string numeric_text(std::uint64_t v) { return std::to_string(v); }
std::string numeric_text(u128 v) { return u128_to_string(v); }
std::string float_text(double v) { return fmt::format("{}", v); }

Result<Mint> decode_mint(const PgResult& r, int row) { return mint_at(r, row, 0); }

}  // namespace kt::storage::postgres
