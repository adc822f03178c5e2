#include "fake_servers.hpp"

#include <httplib.h>

#include <sstream>

#include "fixtures.hpp"
#include "solana/base64.hpp"
#include "solana/pumpfun.hpp"

namespace kt::pricing::testing {
namespace {

void put_u64(std::vector<std::uint8_t>& v, std::uint64_t x) {
  for (int i = 0; i < 8; ++i) v.push_back(static_cast<std::uint8_t>(x >> (8 * i)));
}
void put_u32(std::vector<std::uint8_t>& v, std::uint32_t x) {
  for (int i = 0; i < 4; ++i) v.push_back(static_cast<std::uint8_t>(x >> (8 * i)));
}
void put_key(std::vector<std::uint8_t>& v, const Mint& k) { v.insert(v.end(), k.bytes().begin(), k.bytes().end()); }
void put_coption(std::vector<std::uint8_t>& v, const Mint* k) {
  put_u32(v, k ? 1 : 0);
  put_key(v, k ? *k : Mint());
}
void put_string(std::vector<std::uint8_t>& v, const std::string& s, std::size_t padded) {
  put_u32(v, static_cast<std::uint32_t>(padded));
  v.insert(v.end(), s.begin(), s.end());
  v.insert(v.end(), padded - s.size(), 0);
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream s(text);
  std::string item;
  while (std::getline(s, item, ',')) out.push_back(item);
  return out;
}

template <class Server>
int start(Server& server, std::thread& thread, Connections connections = Connections::kClosePerRequest) {
  if (connections == Connections::kKeepAlive) {
    server.set_keep_alive_max_count(1000);
    server.set_keep_alive_timeout(1);
    // Without it, Nagle's algorithm meets the client's delayed ACK on a reused connection and
    // each answer waits ~40 ms for its last segment.
    server.set_tcp_nodelay(true);
  } else {
    server.set_keep_alive_timeout(0);  // stop() must not wait for an idle keep-alive connection
  }
  const int port = server.bind_to_any_port("127.0.0.1");
  thread = std::thread([&server] { server.listen_after_bind(); });
  // A stop() that comes before the accept loop runs is lost and the join then hangs: wait for it.
  for (int i = 0; i < 5000 && !server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return port;
}

}  // namespace

std::vector<std::uint8_t> bonding_curve_bytes(std::uint64_t vtr, std::uint64_t vsr, std::uint64_t rtr,
                                              std::uint64_t rsr, std::uint64_t supply, bool complete,
                                              std::size_t length) {
  std::vector<std::uint8_t> v(solana::kBondingCurveDiscriminator.begin(), solana::kBondingCurveDiscriminator.end());
  for (const std::uint64_t x : {vtr, vsr, rtr, rsr, supply}) put_u64(v, x);
  v.push_back(complete ? 1 : 0);
  v.resize(std::max(length, v.size()), 0);
  return v;
}

std::vector<std::uint8_t> spl_mint_bytes(std::uint64_t supply, std::uint8_t decimals, const Mint* mint_authority,
                                         const Mint* freeze_authority) {
  std::vector<std::uint8_t> v;
  put_coption(v, mint_authority);
  put_u64(v, supply);
  v.push_back(decimals);
  v.push_back(1);
  put_coption(v, freeze_authority);
  return v;
}

std::vector<std::uint8_t> metaplex_bytes(const Mint& mint, const std::string& name, const std::string& symbol,
                                         bool is_mutable) {
  std::vector<std::uint8_t> v{4};
  put_key(v, *Mint::parse("2wmVCSfPxGPjrnMMn7rchp4uaeoTqN39mXFC2zhPdri9"));
  put_key(v, mint);
  put_string(v, name, 32);
  put_string(v, symbol, 10);
  put_string(v, "", 200);
  v.push_back(0);  // seller fee u16
  v.push_back(0);
  v.push_back(0);  // creators: None
  v.push_back(0);  // primary sale happened
  v.push_back(is_mutable ? 1 : 0);
  v.resize(679, 0);
  return v;
}

Mint test_mint(std::uint32_t index) {
  Mint::Bytes b{};
  b[0] = 0xA5;
  for (int i = 0; i < 4; ++i) b[static_cast<std::size_t>(1 + i)] = static_cast<std::uint8_t>(index >> (8 * i));
  b[31] = 0x5A;
  return Mint(b);
}

// --- FakeSolanaRpc -----------------------------------------------------------------------------

FakeSolanaRpc::FakeSolanaRpc(Connections connections) : server_(std::make_unique<httplib::Server>()) {
  server_->Post("/", [this](const httplib::Request& req, httplib::Response& res) {
    int status = 200;
    std::optional<Fault> fault;
    {
      std::lock_guard lock(mutex_);
      ++http_requests_;
      client_ports_.insert(req.remote_port);
      last_accept_encoding_ = req.get_header_value("Accept-Encoding");
      if (!faults_.empty()) {
        fault = faults_.front();
        faults_.pop_front();
      } else if (fault_forever_) {
        fault = forever_;
      }
    }
    if (fault) {
      switch (*fault) {
        case Fault::kHttp429:
          res.status = 429;
          res.set_header("Retry-After", "3");
          res.set_content(read_fixture("solana_http429_rate_limit_body.json"), "application/json");
          return;
        case Fault::kHttp500:
          res.status = 500;
          res.set_content("Internal Server Error", "text/plain");
          return;
        case Fault::kNodeUnhealthy32005: {
          const Json body = Json::parse(req.body, nullptr, false);
          Json id = body.is_object() && body.contains("id") ? body["id"] : Json(nullptr);
          res.set_content(
              Json{{"jsonrpc", "2.0"},
                   {"error",
                    {{"code", -32005}, {"message", "Node is behind by 42 slots"}, {"data", {{"numSlotsBehind", 42}}}}},
                   {"id", id}}
                  .dump(),
              "application/json");
          return;
        }
        case Fault::kTimeout:
          std::this_thread::sleep_for(std::chrono::milliseconds(timeout_hold_ms_.load()));
          break;  // then answers normally, too late for the client
        case Fault::kGarbage: res.set_content("<html>502 Bad Gateway</html>", "text/html"); return;
      }
    }
    const std::string body = handle(req.body, status);
    res.status = status;
    res.set_content(body, "application/json");
  });
  port_ = start(*server_, thread_, connections);
}

FakeSolanaRpc::~FakeSolanaRpc() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string FakeSolanaRpc::url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

void FakeSolanaRpc::set_account(const Mint& key, FakeAccount account) {
  std::lock_guard lock(mutex_);
  accounts_[key] = std::move(account);
}
void FakeSolanaRpc::remove_account(const Mint& key) {
  std::lock_guard lock(mutex_);
  accounts_.erase(key);
}
void FakeSolanaRpc::fail_next(Fault fault, int times) {
  std::lock_guard lock(mutex_);
  if (times < 0) {
    fault_forever_ = true;
    forever_ = fault;
    return;
  }
  for (int i = 0; i < times; ++i) faults_.push_back(fault);
}
void FakeSolanaRpc::clear_faults() {
  std::lock_guard lock(mutex_);
  faults_.clear();
  fault_forever_ = false;
}
std::size_t FakeSolanaRpc::calls(const std::string& method) const {
  std::lock_guard lock(mutex_);
  const auto it = calls_.find(method);
  return it == calls_.end() ? 0 : it->second;
}
std::size_t FakeSolanaRpc::http_requests() const {
  std::lock_guard lock(mutex_);
  return http_requests_;
}
std::size_t FakeSolanaRpc::max_keys_per_call() const {
  std::lock_guard lock(mutex_);
  return max_keys_;
}
std::size_t FakeSolanaRpc::client_connections() const {
  std::lock_guard lock(mutex_);
  return client_ports_.size();
}
std::string FakeSolanaRpc::last_accept_encoding() const {
  std::lock_guard lock(mutex_);
  return last_accept_encoding_;
}
void FakeSolanaRpc::reset_counters() {
  std::lock_guard lock(mutex_);
  calls_.clear();
  http_requests_ = 0;
  max_keys_ = 0;
  client_ports_.clear();
}

Json FakeSolanaRpc::answer(const Json& call) {
  const Json id = call.contains("id") ? call["id"] : Json(nullptr);
  const std::string method = call.value("method", "");
  const Json params = call.value("params", Json::array());
  auto account_json = [this](const std::string& key) -> Json {
    auto mint = Mint::parse(key);
    if (!mint) return nullptr;
    const auto it = accounts_.find(*mint);
    if (it == accounts_.end()) return nullptr;
    const FakeAccount& a = it->second;
    return Json{{"data", {solana::base64_encode(a.data), "base64"}},
                {"executable", false},
                {"lamports", a.lamports},
                {"owner", a.owner.to_string()},
                {"rentEpoch", 361},
                {"space", a.data.size()}};
  };
  std::lock_guard lock(mutex_);
  ++calls_[method];
  Json result;
  if (method == "getMultipleAccounts") {
    Json values = Json::array();
    for (const auto& key : params.at(0)) values.push_back(account_json(key.get<std::string>()));
    max_keys_ = std::max(max_keys_, params.at(0).size());
    result = {{"context", {{"slot", 1234}}}, {"value", values}};
  } else if (method == "getAccountInfo") {
    result = {{"context", {{"slot", 1234}}}, {"value", account_json(params.at(0).get<std::string>())}};
  } else if (method == "getHealth") {
    result = "ok";
  } else if (method == "getSlot") {
    result = 1234;
  } else {
    return {{"jsonrpc", "2.0"}, {"error", {{"code", -32601}, {"message", "Method not found"}}}, {"id", id}};
  }
  return {{"jsonrpc", "2.0"}, {"result", result}, {"id", id}};
}

std::string FakeSolanaRpc::handle(const std::string& body, int& status) {
  const Json request = Json::parse(body, nullptr, false);
  if (request.is_discarded()) {
    status = 400;
    return R"({"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null})";
  }
  if (request.is_array()) {
    Json out = Json::array();
    for (const auto& call : request) out.push_back(answer(call));
    return out.dump();
  }
  return answer(request).dump();
}

// --- FakePriceApis -----------------------------------------------------------------------------

FakePriceApis::FakePriceApis() : server_(std::make_unique<httplib::Server>()) {
  server_->Get(R"(/latest/dex/tokens/(.*))", [this](const httplib::Request& req, httplib::Response& res) {
    const auto mints = split(req.matches[1]);
    std::lock_guard lock(mutex_);
    asked_["dexscreener"].push_back(mints);
    if (const int status = down_["dexscreener"]) {
      res.status = status;
      res.set_content("{\"error\":\"down\"}", "application/json");
      return;
    }
    Json pairs = Json::array();
    for (const auto& p : dex_pairs_) {
      for (const auto& m : mints) {
        if (p["baseToken"]["address"] == m || p["quoteToken"]["address"] == m) {
          pairs.push_back(p);
          break;
        }
      }
    }
    Json body = {{"schemaVersion", "1.0.0"}, {"pairs", pairs.empty() ? Json(nullptr) : pairs}};
    res.set_content(body.dump(), "application/json");
  });
  server_->Get("/price/v3", [this](const httplib::Request& req, httplib::Response& res) {
    const auto ids = split(req.get_param_value("ids"));
    std::lock_guard lock(mutex_);
    asked_["jupiter"].push_back(ids);
    last_api_key_ = req.get_header_value("x-api-key");
    if (const int status = down_["jupiter"]) {
      res.status = status;
      res.set_content("{\"error\":\"down\"}", "application/json");
      return;
    }
    Json body = Json::object();
    for (const auto& id : ids) {
      if (const auto it = jupiter_.find(id); it != jupiter_.end()) body[id] = it->second;
    }
    res.set_content(body.dump(), "application/json");
  });
  port_ = start(*server_, thread_);
}

FakePriceApis::~FakePriceApis() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string FakePriceApis::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FakePriceApis::load_fixtures() {
  const Json dex = Json::parse(read_fixture("dexscreener_tokens_wsol_response.json"));
  for (const auto& p : dex["pairs"]) add_dex_pair(p);
  const Json jup = Json::parse(read_fixture("jupiter_price_v3_response.json"));
  for (const auto& [key, entry] : jup.items()) set_jupiter_entry(*Mint::parse(key), entry);
}
void FakePriceApis::add_dex_pair(Json pair) {
  std::lock_guard lock(mutex_);
  dex_pairs_.push_back(std::move(pair));
}
void FakePriceApis::set_jupiter_entry(const Mint& mint, Json entry) {
  std::lock_guard lock(mutex_);
  jupiter_[mint.to_string()] = std::move(entry);
}
void FakePriceApis::set_down(const std::string& api, int status) {
  std::lock_guard lock(mutex_);
  down_[api] = status;
}
std::size_t FakePriceApis::requests(const std::string& api) const {
  std::lock_guard lock(mutex_);
  const auto it = asked_.find(api);
  return it == asked_.end() ? 0 : it->second.size();
}
std::vector<std::vector<std::string>> FakePriceApis::asked(const std::string& api) const {
  std::lock_guard lock(mutex_);
  const auto it = asked_.find(api);
  return it == asked_.end() ? std::vector<std::vector<std::string>>{} : it->second;
}
std::string FakePriceApis::last_api_key() const {
  std::lock_guard lock(mutex_);
  return last_api_key_;
}

}  // namespace kt::pricing::testing
