#include "solana/rpc_methods.hpp"

#include <charconv>
#include <stdexcept>

#include "core/base58.hpp"
#include "solana/base64.hpp"

namespace kt::solana {
namespace {

Error bad(const std::string& detail) { return retryable("E-RPC-PARSE", "unexpected RPC result: " + detail); }

Result<std::uint64_t> get_u64(const Json& obj, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end()) return bad(std::string("missing ") + key);
  if (it->is_number_unsigned()) return it->get<std::uint64_t>();
  if (it->is_number_integer() && it->get<std::int64_t>() >= 0)
    return static_cast<std::uint64_t>(it->get<std::int64_t>());
  return bad(std::string(key) + " is not a non-negative integer");
}

Result<std::string> get_string(const Json& obj, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return bad(std::string(key) + " is not a string");
  return it->get<std::string>();
}

Result<Pubkey> get_pubkey(const Json& obj, const char* key) {
  KT_TRY(const std::string text, get_string(obj, key));
  auto k = Pubkey::parse(text);
  if (!k) return bad(std::string(key) + ": " + k.error().message);
  return k;
}

template <class T, class F>
Result<WithContext<T>> with_context(const Json& result, F&& parse_value) {
  if (!result.is_object()) return bad("result is not an object");
  const auto ctx = result.find("context");
  if (ctx == result.end() || !ctx->is_object()) return bad("missing context");
  const auto value = result.find("value");
  if (value == result.end()) return bad("missing value");
  KT_TRY(const std::uint64_t slot, get_u64(*ctx, "slot"));
  KT_TRY(T v, parse_value(*value));
  return WithContext<T>{slot, std::move(v)};
}

Result<std::vector<std::uint8_t>> decode_data(const Json& data) {
  if (data.is_array() && data.size() == 2 && data[0].is_string() && data[1].is_string()) {
    const auto& text = data[0].get_ref<const std::string&>();
    const auto& encoding = data[1].get_ref<const std::string&>();
    if (encoding == "base64") {
      auto bytes = base64_decode(text);
      if (!bytes) return bad("account data: " + bytes.error().message);
      return bytes;
    }
    if (encoding == "base58") {
      auto bytes = base58::decode(text);
      if (!bytes) return bad("account data: " + bytes.error().message);
      return bytes;
    }
    return rejected("E-RPC-ENCODING", "account data in unsupported encoding " + encoding);
  }
  if (data.is_object()) return rejected("E-RPC-ENCODING", "account data is jsonParsed; request base64");
  return bad("account data is neither [text, encoding] nor an object");
}

Json config(std::string_view commitment) { return {{"encoding", "base64"}, {"commitment", commitment}}; }

}  // namespace

Json account_info_params(const Pubkey& key, std::string_view commitment) {
  return Json::array({key.to_string(), config(commitment)});
}

Json multiple_accounts_params(std::span<const Pubkey> keys, std::string_view commitment) {
  if (keys.size() > kMaxAccountsPerCall) throw std::logic_error("getMultipleAccounts takes at most 100 keys");
  Json list = Json::array();
  for (const auto& k : keys) list.push_back(k.to_string());
  return Json::array({std::move(list), config(commitment)});
}

std::vector<std::span<const Pubkey>> chunk_keys(std::span<const Pubkey> keys, std::size_t per_call) {
  if (per_call == 0) throw std::logic_error("chunk size 0");
  std::vector<std::span<const Pubkey>> out;
  for (std::size_t i = 0; i < keys.size(); i += per_call)
    out.push_back(keys.subspan(i, std::min(per_call, keys.size() - i)));
  return out;
}

Result<std::optional<AccountInfo>> parse_account(const Json& value) {
  if (value.is_null()) return std::optional<AccountInfo>{};
  if (!value.is_object()) return bad("account is not an object");
  AccountInfo a;
  KT_TRY(a.lamports, get_u64(value, "lamports"));
  KT_TRY(a.owner, get_pubkey(value, "owner"));
  KT_TRY(a.rent_epoch, get_u64(value, "rentEpoch"));
  if (const auto ex = value.find("executable"); ex != value.end() && ex->is_boolean()) a.executable = ex->get<bool>();
  if (value.contains("space")) {
    KT_TRY(a.space, get_u64(value, "space"));
  }
  const auto data = value.find("data");
  if (data == value.end()) return bad("account without data");
  KT_TRY(a.data, decode_data(*data));
  return std::optional<AccountInfo>{std::move(a)};
}

Result<WithContext<std::optional<AccountInfo>>> parse_get_account_info(const Json& result) {
  return with_context<std::optional<AccountInfo>>(result, parse_account);
}

Result<WithContext<std::vector<std::optional<AccountInfo>>>> parse_get_multiple_accounts(const Json& result) {
  return with_context<std::vector<std::optional<AccountInfo>>>(
      result, [](const Json& value) -> Result<std::vector<std::optional<AccountInfo>>> {
        if (!value.is_array()) return bad("value is not an array");
        std::vector<std::optional<AccountInfo>> out;
        out.reserve(value.size());
        for (const auto& item : value) {
          KT_TRY(auto account, parse_account(item));
          out.push_back(std::move(account));
        }
        return out;
      });
}

Result<HealthStatus> parse_get_health(const RpcResponse& response) {
  if (response.error) {
    if (response.error->code != kRpcNodeUnhealthy)
      return bad("getHealth error " + std::to_string(response.error->code));
    return HealthStatus{false, response.error->num_slots_behind(), response.error->message};
  }
  if (response.result.is_string() && response.result.get<std::string>() == "ok")
    return HealthStatus{true, std::nullopt, "ok"};
  return bad("getHealth result is not \"ok\"");
}

Result<std::uint64_t> parse_get_slot(const Json& result) {
  if (result.is_number_unsigned()) return result.get<std::uint64_t>();
  return bad("slot is not an unsigned integer");
}

Result<WithContext<UiTokenAmount>> parse_token_amount(const Json& result) {
  return with_context<UiTokenAmount>(result, [](const Json& value) -> Result<UiTokenAmount> {
    if (!value.is_object()) return bad("token amount is not an object");
    UiTokenAmount out;
    KT_TRY(const std::string amount, get_string(value, "amount"));
    const auto [end, ec] = std::from_chars(amount.data(), amount.data() + amount.size(), out.amount);
    if (ec != std::errc() || end != amount.data() + amount.size() || amount.empty())
      return bad("amount '" + amount + "'");
    KT_TRY(const std::uint64_t decimals, get_u64(value, "decimals"));
    if (decimals > 255) return bad("decimals " + std::to_string(decimals));
    out.decimals = static_cast<std::uint8_t>(decimals);
    if (value.contains("uiAmountString")) {
      KT_TRY(out.ui_amount_string, get_string(value, "uiAmountString"));
    }
    return out;
  });
}

Result<WithContext<LatestBlockhash>> parse_latest_blockhash(const Json& result) {
  return with_context<LatestBlockhash>(result, [](const Json& value) -> Result<LatestBlockhash> {
    if (!value.is_object()) return bad("blockhash value is not an object");
    LatestBlockhash out;
    KT_TRY(out.blockhash, get_string(value, "blockhash"));
    KT_TRY(out.last_valid_block_height, get_u64(value, "lastValidBlockHeight"));
    return out;
  });
}

Result<WithContext<std::vector<KeyedAccount>>> parse_keyed_accounts(const Json& result) {
  return with_context<std::vector<KeyedAccount>>(result, [](const Json& value) -> Result<std::vector<KeyedAccount>> {
    if (!value.is_array()) return bad("value is not an array");
    std::vector<KeyedAccount> out;
    for (const auto& item : value) {
      if (!item.is_object() || !item.contains("account")) return bad("keyed account without account");
      KT_TRY(Pubkey key, get_pubkey(item, "pubkey"));
      KT_TRY(auto account, parse_account(item["account"]));
      if (!account) return bad("keyed account is null");
      out.push_back(KeyedAccount{std::move(key), std::move(*account)});
    }
    return out;
  });
}

}  // namespace kt::solana
