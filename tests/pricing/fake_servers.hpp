#pragma once
// Loopback fakes (127.0.0.1, a free port) for the pricing tests and the tracker bench: a Solana
// JSON-RPC node answering from in-memory accounts, and the DexScreener + Jupiter HTTP APIs serving
// recorded payloads. Both take scripted faults.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/mint.hpp"

namespace httplib {
class Server;
}

namespace kt::pricing::testing {

using Json = nlohmann::json;

/// What the next request gets instead of a proper answer.
enum class Fault { kHttp429, kHttp500, kNodeUnhealthy32005, kTimeout, kGarbage };

/// An account the fake node holds.
struct FakeAccount {
  std::uint64_t lamports = 1'461'600;
  Mint owner;
  std::vector<std::uint8_t> data;
};

/// How the fake node treats connections.
enum class Connections {
  /// One request per connection: what most tests want, because httplib's stop() waits for a
  /// connection the client keeps idle until the keep-alive timeout (1 s here) runs out.
  kClosePerRequest,
  /// Kept open between requests (up to 1,000 per connection, 1 s idle), as real nodes and their
  /// proxies do; what the tracker bench measures against.
  kKeepAlive,
};

/// A Solana JSON-RPC node: getMultipleAccounts, getAccountInfo (base64), getHealth, getSlot; single
/// and batch bodies; counts calls per method and the largest getMultipleAccounts key count.
class FakeSolanaRpc {
 public:
  explicit FakeSolanaRpc(Connections connections = Connections::kClosePerRequest);
  ~FakeSolanaRpc();
  FakeSolanaRpc(const FakeSolanaRpc&) = delete;
  FakeSolanaRpc& operator=(const FakeSolanaRpc&) = delete;

  std::string url() const;
  void set_account(const Mint& key, FakeAccount account);
  void remove_account(const Mint& key);
  /// The next `times` requests (times < 0: all until cleared) get `fault`.
  void fail_next(Fault fault, int times = 1);
  void clear_faults();
  /// How long a kTimeout fault holds the request before answering (default 1500 ms).
  void set_timeout_hold(std::chrono::milliseconds hold) { timeout_hold_ms_ = hold.count(); }

  std::size_t calls(const std::string& method) const;
  std::size_t http_requests() const;
  std::size_t max_keys_per_call() const;
  /// Distinct client ports of the requests since the last reset: the connections the client opened.
  std::size_t client_connections() const;
  /// The Accept-Encoding header of the last request ("" when absent).
  std::string last_accept_encoding() const;
  void reset_counters();

 private:
  Json answer(const Json& call);
  std::string handle(const std::string& body, int& status);

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::map<Mint, FakeAccount> accounts_;
  std::deque<Fault> faults_;
  bool fault_forever_ = false;
  Fault forever_ = Fault::kHttp500;
  std::map<std::string, std::size_t> calls_;
  std::size_t http_requests_ = 0;
  std::size_t max_keys_ = 0;
  std::set<int> client_ports_;
  std::string last_accept_encoding_;
  std::atomic<long> timeout_hold_ms_{1500};
};

/// DexScreener (`/latest/dex/tokens/<mints>`) and Jupiter (`/price/v3?ids=`) on one port. Pairs and
/// price entries are added per mint (the recorded fixtures by default); a mint with no pair makes
/// DexScreener answer `pairs: null` when none of the asked mints is known, as the real one does.
class FakePriceApis {
 public:
  FakePriceApis();
  ~FakePriceApis();
  FakePriceApis(const FakePriceApis&) = delete;
  FakePriceApis& operator=(const FakePriceApis&) = delete;

  std::string url() const;
  /// Loads the wSOL pair of dexscreener_tokens_wsol_response.json and both entries of
  /// jupiter_price_v3_response.json.
  void load_fixtures();
  void add_dex_pair(Json pair);
  void set_jupiter_entry(const Mint& mint, Json entry);
  /// Every request to the API ("dexscreener" or "jupiter") answers HTTP `status` while set (0 = off).
  void set_down(const std::string& api, int status);

  std::size_t requests(const std::string& api) const;
  /// Query ids / path mints of every request to `api`, in order.
  std::vector<std::vector<std::string>> asked(const std::string& api) const;
  /// The x-api-key header of the last Jupiter request.
  std::string last_api_key() const;

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::vector<Json> dex_pairs_;
  std::map<std::string, Json> jupiter_;
  std::map<std::string, int> down_;
  std::map<std::string, std::vector<std::vector<std::string>>> asked_;
  std::string last_api_key_;
};

/// Account bytes for the fake node.
std::vector<std::uint8_t> bonding_curve_bytes(std::uint64_t vtr, std::uint64_t vsr, std::uint64_t rtr,
                                              std::uint64_t rsr, std::uint64_t supply, bool complete,
                                              std::size_t length = 49);
std::vector<std::uint8_t> spl_mint_bytes(std::uint64_t supply, std::uint8_t decimals, const Mint* mint_authority,
                                         const Mint* freeze_authority);
std::vector<std::uint8_t> metaplex_bytes(const Mint& mint, const std::string& name, const std::string& symbol,
                                         bool is_mutable);

/// A distinct valid mint per index (for many-token tests and the bench).
Mint test_mint(std::uint32_t index);

}  // namespace kt::pricing::testing
