// The key table: one entry per configuration key with its parser, accepted form and display.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <string>

#include "core/decimal.hpp"
#include "ops/config_keys.hpp"

namespace kt::ops::detail {
namespace {

std::string toml_quoted(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

std::string toml_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + toml_quoted(items[i]);
  return out + "]";
}

std::optional<std::int64_t> parse_int(std::string_view text, std::int64_t min, std::int64_t max) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (value < min || value > max) return std::nullopt;
  return value;
}

bool has_space_or_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char ch) { return static_cast<unsigned char>(ch) <= ' ' || ch == 0x7f; });
}

bool valid_http_url(std::string_view text) {
  std::string_view rest;
  if (text.starts_with("https://"))
    rest = text.substr(8);
  else if (text.starts_with("http://"))
    rest = text.substr(7);
  else
    return false;
  return !rest.empty() && rest.front() != '/' && !has_space_or_control(text);
}

bool valid_database_url(std::string_view text) {
  if (has_space_or_control(text)) return false;
  for (std::string_view scheme : {"sqlite://", "postgresql://", "postgres://"}) {
    if (text.starts_with(scheme) && text.size() > scheme.size()) return true;
  }
  return false;
}

bool valid_host_port(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || has_space_or_control(text)) return false;
  return parse_int(text.substr(colon + 1), 1, 65535).has_value() && text[colon + 1] != '+';
}

bool one_of(std::string_view text, std::initializer_list<std::string_view> allowed) {
  return std::find(allowed.begin(), allowed.end(), text) != allowed.end();
}

void assign(int& field, std::int64_t v) { field = static_cast<int>(v); }
template <class Rep, class Period>
void assign(std::chrono::duration<Rep, Period>& field, std::int64_t v) {
  field = std::chrono::duration<Rep, Period>{v};
}
std::int64_t count_of(int field) { return field; }
template <class Rep, class Period>
std::int64_t count_of(std::chrono::duration<Rep, Period> field) {
  return static_cast<std::int64_t>(field.count());
}

// Each factory below takes an accessor `[](auto& c) -> auto& { return c.section.field; }` that
// works on both Config& (to set) and const Config& (to show).
#define KT_FIELD(path) \
  [](auto& c) -> auto& { return c.path; }

template <class Access>
KeySpec integer(std::string key, std::int64_t min, std::int64_t max, Access access) {
  KeySpec s{std::move(key),
            ValueKind::kNumber,
            "an integer from " + std::to_string(min) + " to " + std::to_string(max),
            false,
            false,
            {},
            {}};
  s.apply = [=](const std::vector<std::string>& items, Config& c) {
    const auto v = parse_int(items.at(0), min, max);
    if (v) assign(access(c), *v);
    return v.has_value();
  };
  s.show = [=](const Config& c, bool) { return std::to_string(count_of(access(c))); };
  return s;
}

template <class Access>
KeySpec text(std::string key, std::string expected, std::function<bool(std::string_view)> valid, Access access,
             bool secret = false, bool url = false) {
  KeySpec s{std::move(key), ValueKind::kText, std::move(expected), secret, url, {}, {}};
  s.apply = [=](const std::vector<std::string>& items, Config& c) {
    if (!valid(items.at(0))) return false;
    access(c) = items.at(0);
    return true;
  };
  s.show = [=](const Config& c, bool redact) { return toml_quoted(redact && url ? redact_url(access(c)) : access(c)); };
  return s;
}

std::optional<Lamports> parse_sol_in(std::string_view text, Lamports min, Lamports max) {
  auto v = parse_sol(text);
  if (!v || *v < min || *v > max) return std::nullopt;
  return *v;
}

template <class Access>
KeySpec sol(std::string key, std::string expected, Lamports min, Lamports max, Access access) {
  KeySpec s{std::move(key), ValueKind::kNumber, std::move(expected), false, false, {}, {}};
  s.apply = [=](const std::vector<std::string>& items, Config& c) {
    const auto v = parse_sol_in(items.at(0), min, max);
    if (v) access(c) = *v;
    return v.has_value();
  };
  s.show = [=](const Config& c, bool) { return format_sol(access(c)); };
  return s;
}

template <class Access>
KeySpec text_list(std::string key, std::string expected, bool allow_empty, std::function<bool(std::string_view)> valid,
                  Access access, bool url = false) {
  KeySpec s{std::move(key), ValueKind::kTextList, std::move(expected), false, url, {}, {}};
  s.apply = [=](const std::vector<std::string>& items, Config& c) {
    if (items.empty() && !allow_empty) return false;
    if (!std::all_of(items.begin(), items.end(), [&](const std::string& i) { return valid(i); })) return false;
    access(c) = items;
    return true;
  };
  s.show = [=](const Config& c, bool redact) {
    std::vector<std::string> items = access(c);
    if (redact && url)
      std::transform(items.begin(), items.end(), items.begin(), [](const std::string& i) { return redact_url(i); });
    return toml_list(items);
  };
  return s;
}

KeySpec admins_key() {
  KeySpec s{
      "telegram.admins", ValueKind::kIntList, "a list of Telegram user ids such as [123456789]", false, false, {}, {}};
  s.apply = [](const std::vector<std::string>& items, Config& c) {
    std::vector<std::int64_t> ids;
    for (const auto& item : items) {
      const auto id = parse_int(item, 1, INT64_MAX);
      if (!id) return false;
      ids.push_back(*id);
    }
    c.telegram.admins = std::move(ids);
    return true;
  };
  s.show = [](const Config& c, bool) {
    std::string out = "[";
    for (std::size_t i = 0; i < c.telegram.admins.size(); ++i)
      out += (i ? ", " : "") + std::to_string(c.telegram.admins[i]);
    return out + "]";
  };
  return s;
}

KeySpec fee_key() {
  KeySpec s{"trading.fee",
            ValueKind::kNumber,
            "a fraction between 0 and 0.1 such as 0.0025 (at most 6 decimals)",
            false,
            false,
            {},
            {}};
  s.apply = [](const std::vector<std::string>& items, Config& c) {
    // Exact decimal → parts per million; "1e-3" and "0.25%" are refused, not guessed at.
    const auto ppm = parse_scaled(items.at(0), 6, 100'000, "trading.fee");
    if (ppm) c.trading.fee_ppm = *ppm;
    return ppm.ok();
  };
  s.show = [](const Config& c, bool) {
    std::string digits = std::to_string(c.trading.fee_ppm);
    if (digits.size() < 7) digits.insert(0, 7 - digits.size(), '0');
    digits.insert(digits.size() - 6, ".");
    while (digits.back() == '0') digits.pop_back();
    if (digits.back() == '.') digits.pop_back();
    return digits;
  };
  return s;
}

KeySpec admin_limit_key() {
  KeySpec s{"trading.position_limit_sol.admin",
            ValueKind::kNumber,
            "\"unlimited\" or a SOL amount above 0 with at most 9 decimals such as 5000",
            false,
            false,
            {},
            {}};
  s.apply = [](const std::vector<std::string>& items, Config& c) {
    if (items.at(0) == "unlimited") {
      c.trading.position_limit.admin.reset();
      return true;
    }
    const auto v = parse_sol_in(items.at(0), Lamports{1}, Lamports{INT64_MAX / 4});
    if (v) c.trading.position_limit.admin = *v;
    return v.has_value();
  };
  s.show = [](const Config& c, bool) {
    const auto& admin = c.trading.position_limit.admin;
    return admin ? format_sol(*admin) : std::string("\"unlimited\"");
  };
  return s;
}

KeySpec pacing_key() {
  KeySpec s{"telegram.pacing_enabled", ValueKind::kBool, "true or false", false, false, {}, {}};
  s.apply = [](const std::vector<std::string>& items, Config& c) {
    if (items.at(0) != "true" && items.at(0) != "false") return false;
    c.telegram.pacing_enabled = items.at(0) == "true";
    return true;
  };
  s.show = [](const Config& c, bool) { return std::string(c.telegram.pacing_enabled ? "true" : "false"); };
  return s;
}

std::vector<KeySpec> build_specs() {
  const auto any = [](std::string_view) { return true; };
  const auto no_space = [](std::string_view t) { return !has_space_or_control(t); };
  const auto http_url = [](std::string_view t) { return valid_http_url(t); };
  const auto host_port = [](std::string_view t) { return valid_host_port(t); };
  const auto sol_amount = "a SOL amount above 0 with at most 9 decimals such as ";
  const Lamports max_sol{INT64_MAX / 4};
  std::vector<KeySpec> s;
  s.push_back(text(
      "database.url", "sqlite://PATH or postgresql://USER@HOST/DB",
      [](std::string_view t) { return valid_database_url(t); }, KT_FIELD(database.url), false, true));
  s.push_back(integer("database.pool_size", 1, 256, KT_FIELD(database.pool_size)));
  s.push_back(integer("database.query_timeout_ms", 1, 600'000, KT_FIELD(database.query_timeout)));

  s.push_back(text(
      "telegram.token", "a bot token such as 123456:ABC-DEF1234 (no spaces)",
      [](std::string_view t) { return t.empty() || (!has_space_or_control(t) && t.find(':') != t.npos); },
      KT_FIELD(telegram.token), true));
  s.push_back(text("telegram.token_file", "a file path", any, KT_FIELD(telegram.token_file)));
  s.push_back(admins_key());
  s.push_back(text("telegram.api_url", "an http(s) URL such as https://api.telegram.org", http_url,
                   KT_FIELD(telegram.api_url), false, true));
  s.push_back(text(
      "telegram.mode", "\"polling\" or \"webhook\"",
      [](std::string_view t) {
        return one_of(t, {"polling", "webhook"});
      },
      KT_FIELD(telegram.mode)));
  s.push_back(text("telegram.webhook_listen", "HOST:PORT such as 127.0.0.1:8443", host_port,
                   KT_FIELD(telegram.webhook_listen)));
  s.push_back(text(
      "telegram.webhook_url", "empty or an https URL such as https://bot.example.org/telegram",
      [](std::string_view t) { return t.empty() || (t.starts_with("https://") && valid_http_url(t)); },
      KT_FIELD(telegram.webhook_url), false, true));
  s.push_back(text(
      "telegram.webhook_secret", "empty or 1 to 256 characters from A-Z, a-z, 0-9, _ and -",
      [](std::string_view t) {
        return t.size() <= 256 && std::all_of(t.begin(), t.end(), [](char ch) {
                 return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-';
               });
      },
      KT_FIELD(telegram.webhook_secret), true));
  s.push_back(integer("telegram.workers", 1, 256, KT_FIELD(telegram.workers)));
  s.push_back(integer("telegram.global_rate_per_sec", 1, 1000, KT_FIELD(telegram.global_rate_per_sec)));
  s.push_back(integer("telegram.calls_in_flight", 0, 1024, KT_FIELD(telegram.calls_in_flight)));
  s.push_back(pacing_key());

  s.push_back(sol("trading.initial_balance_sol", "a SOL amount of at least 0 with at most 9 decimals such as 1000",
                  Lamports{0}, max_sol, KT_FIELD(trading.initial_balance)));
  s.push_back(sol("trading.min_position_sol", std::string(sol_amount) + "0.01", Lamports{1}, max_sol,
                  KT_FIELD(trading.min_position)));
  s.push_back(sol("trading.position_limit_sol.basic", std::string(sol_amount) + "100", Lamports{1}, max_sol,
                  KT_FIELD(trading.position_limit.basic)));
  s.push_back(sol("trading.position_limit_sol.premium", std::string(sol_amount) + "1000", Lamports{1}, max_sol,
                  KT_FIELD(trading.position_limit.premium)));
  s.push_back(admin_limit_key());
  s.push_back(integer("trading.max_open_positions", 1, 10'000, KT_FIELD(trading.max_open_positions)));
  s.push_back(fee_key());
  s.push_back(integer("trading.slippage_bps", 0, 5000, KT_FIELD(trading.slippage_bps)));
  s.push_back(sol("trading.network_fee_sol", "a SOL amount from 0 to 1 with at most 9 decimals such as 0.0001",
                  Lamports{0}, Lamports::from_sol(1), KT_FIELD(trading.network_fee)));
  s.push_back(integer("trading.quote_reuse_ms", 0, 60'000, KT_FIELD(trading.quote_reuse)));

  s.push_back(text_list(
      "prices.sources", "a non-empty list of demo, replay, pumpfun, dexscreener, jupiter", false,
      [](std::string_view t) {
        return one_of(t, {"demo", "replay", "pumpfun", "dexscreener", "jupiter"});
      },
      KT_FIELD(prices.sources)));
  s.push_back(text("prices.replay_file", "a CSV file path", any, KT_FIELD(prices.replay_file)));
  s.push_back(integer("prices.max_age_seconds", 1, 3600, KT_FIELD(prices.max_age)));
  s.push_back(text("prices.dexscreener_url", "an http(s) URL such as https://api.dexscreener.com", http_url,
                   KT_FIELD(prices.dexscreener_url), false, true));
  s.push_back(text("prices.jupiter_url", "an http(s) URL such as https://lite-api.jup.ag", http_url,
                   KT_FIELD(prices.jupiter_url), false, true));
  s.push_back(
      text("prices.jupiter_api_key", "an API key without spaces", no_space, KT_FIELD(prices.jupiter_api_key), true));

  s.push_back(text_list("solana.rpc_urls",
                        "a non-empty list of http(s) URLs such as https://api.mainnet-beta.solana.com", false, http_url,
                        KT_FIELD(solana.rpc_urls), true));
  s.push_back(integer("solana.requests_per_second", 1, 10'000, KT_FIELD(solana.requests_per_second)));
  s.push_back(integer("solana.timeout_ms", 100, 600'000, KT_FIELD(solana.timeout)));
  s.push_back(integer("solana.breaker_failures", 1, 1000, KT_FIELD(solana.breaker_failures)));
  s.push_back(integer("solana.breaker_cooldown_seconds", 1, 3600, KT_FIELD(solana.breaker_cooldown)));

  s.push_back(integer("tracker.interval_seconds", 1, 86'400, KT_FIELD(tracker.interval)));
  s.push_back(integer("tracker.viewed_ttl_seconds", 1, 7 * 86'400, KT_FIELD(tracker.viewed_ttl)));

  s.push_back(text(
      "http.listen", "empty (disabled) or HOST:PORT such as 127.0.0.1:9464",
      [](std::string_view t) { return t.empty() || valid_host_port(t); }, KT_FIELD(http.listen)));

  s.push_back(text(
      "log.level", "one of trace, debug, info, warn, error, critical, off",
      [](std::string_view t) {
        return one_of(t, {"trace", "debug", "info", "warn", "error", "critical", "off"});
      },
      KT_FIELD(log.level)));
  s.push_back(text("log.dir", "a directory path, or empty for stdout only", any, KT_FIELD(log.dir)));
  s.push_back(integer("log.max_file_mb", 1, 10'000, KT_FIELD(log.max_file_mb)));
  s.push_back(integer("log.max_files", 1, 1000, KT_FIELD(log.max_files)));
  return s;
}

#undef KT_FIELD

}  // namespace

const std::vector<KeySpec>& key_specs() {
  static const std::vector<KeySpec> specs = build_specs();
  return specs;
}

std::string redact_url(std::string_view url) {
  std::string out(url);
  const auto scheme = out.find("://");
  const std::size_t authority = scheme == std::string::npos ? 0 : scheme + 3;
  const auto path = out.find_first_of("/?#", authority);
  const auto at = out.rfind('@', path == std::string::npos ? out.size() : path);
  if (at != std::string::npos && at >= authority) {
    const auto colon = out.find(':', authority);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  const auto query = out.find('?');
  if (query != std::string::npos) out.replace(query + 1, std::string::npos, "***");
  return out;
}

}  // namespace kt::ops::detail
