#include "seed.hpp"

#include <vector>

#include "domain/mint.hpp"
#include "storage/repository.hpp"

namespace kt::bench {

Result<void> seed_database(const std::string& url, std::int64_t first_user, std::size_t users, std::size_t positions) {
  KT_TRY(auto repo, storage::open_repository(url, 2));
  KT_TRY_VOID(repo->migrate());
  const TimePoint now = TimePoint{} + std::chrono::milliseconds(1'700'000'000'000);
  const Lamports initial = Lamports::from_sol(1000);
  std::vector<UserId> ids;
  ids.reserve(users);
  constexpr std::size_t kBatch = 5'000;
  for (std::size_t from = 0; from < users; from += kBatch) {
    KT_TRY_VOID(repo->write([&](storage::Transaction& tx) -> Result<void> {
      for (std::size_t i = from; i < std::min(users, from + kBatch); ++i) {
        storage::NewUser u{TelegramUserId{first_user + static_cast<std::int64_t>(i)},
                           "load" + std::to_string(first_user + static_cast<std::int64_t>(i)), Role::kBasic, initial,
                           now};
        KT_TRY(User user, tx.insert_user(u));
        ids.push_back(user.id);
      }
      return ok_result();
    }));
  }
  if (positions == 0) return ok_result();
  KT_TRY(Mint bonk, Mint::parse("DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263"));
  KT_TRY(Price entry, Price::from_ratio(3, 2000));
  const Lamports cost{100'000'000};  // 0.1 SOL
  std::vector<Lamports> balance(users, initial);
  for (std::size_t from = 0; from < positions; from += kBatch) {
    KT_TRY_VOID(repo->write([&](storage::Transaction& tx) -> Result<void> {
      for (std::size_t i = from; i < std::min(positions, from + kBatch); ++i) {
        const std::size_t u = i % users;
        Position p;
        p.user = ids[u];
        p.mint = bonk;
        p.symbol = "BONK";
        p.decimals = 5;
        p.qty_raw = 66'666'666'666;
        p.initial_qty_raw = p.qty_raw;
        p.cost = cost;
        p.initial_cost = cost;
        p.entry_notional = cost;
        p.entry_price = entry;
        p.opened_at = now;
        p.source = "demo";
        p.simulated = true;
        KT_TRY(Position stored, tx.insert_position(p));
        balance[u] = balance[u] - cost;
        LedgerEntry e;
        e.user = ids[u];
        e.kind = LedgerKind::kOpen;
        e.amount = -cost;
        e.balance_after = balance[u];
        e.position = stored.id;
        e.created_at = now;
        KT_TRY(std::int64_t ignored, tx.append_ledger(e));
        (void)ignored;
      }
      return ok_result();
    }));
  }
  return ok_result();
}

}  // namespace kt::bench
