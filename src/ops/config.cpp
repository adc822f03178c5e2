// Loading: defaults ← TOML file ← environment, then one validation pass that collects every problem.
#include "ops/config.hpp"

#include <sys/stat.h>

#include <toml++/toml.h>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "ops/config_keys.hpp"

namespace kt::ops {
namespace {

using detail::KeySpec;
using detail::ValueKind;

/// A key's value as text items (one for scalars) and where it came from, for error messages.
struct RawValue {
  std::vector<std::string> items;
  std::string origin;
};

const KeySpec* find_spec(std::string_view key) {
  for (const auto& spec : detail::key_specs()) {
    if (spec.key == key) return &spec;
  }
  return nullptr;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string did_you_mean(std::string_view key) {
  const KeySpec* best = nullptr;
  std::size_t best_distance = std::max<std::size_t>(3, key.size() / 5) + 1;
  for (const auto& spec : detail::key_specs()) {
    const auto d = edit_distance(key, spec.key);
    if (d < best_distance) {
      best_distance = d;
      best = &spec;
    }
  }
  return best ? "; did you mean " + best->key + "?" : "";
}

std::string float_text(double value) {
  // Shortest text that reads back as the same double, without exponent: 0.0025 → "0.0025".
  char buf[400];
  const auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  return r.ec == std::errc() ? std::string(buf, r.ptr) : std::string("nan");
}

std::optional<std::string> scalar_text(const toml::node& node) {
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* f = node.as_floating_point()) return float_text(f->get());
  if (const auto* b = node.as_boolean()) return std::string(b->get() ? "true" : "false");
  return std::nullopt;
}

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date/time";
  }
}

bool accepts_scalar(ValueKind kind, const toml::node& node) {
  switch (kind) {
    case ValueKind::kText:
    case ValueKind::kTextList: return node.is_string();
    case ValueKind::kNumber: return node.is_integer() || node.is_floating_point() || node.is_string();
    case ValueKind::kBool: return node.is_boolean() || node.is_string();
    case ValueKind::kIntList: return node.is_integer() || node.is_string();
  }
  return false;
}

bool is_list(ValueKind kind) { return kind == ValueKind::kTextList || kind == ValueKind::kIntList; }

std::string line_of(const toml::node& node) { return "line " + std::to_string(node.source().begin.line); }

using LineProblems = std::vector<std::pair<std::uint32_t, std::string>>;

void flatten(const toml::table& table, const std::string& prefix, std::map<std::string, RawValue>& raw,
             LineProblems& problems) {
  for (auto&& [name, node] : table) {
    const std::string key = prefix.empty() ? std::string(name.str()) : prefix + "." + std::string(name.str());
    const KeySpec* spec = find_spec(key);
    if (!spec) {
      if (const auto* sub = node.as_table()) {
        flatten(*sub, key, raw, problems);
      } else {
        problems.emplace_back(node.source().begin.line,
                              key + ": unknown key (" + line_of(node) + ")" + did_you_mean(key));
      }
      continue;
    }
    auto wrong_type = [&](const toml::node& n) {
      problems.emplace_back(n.source().begin.line,
                            key + ": expected " + spec->expected + ", got " + type_name(n) + " (" + line_of(n) + ")");
    };
    RawValue value{{}, line_of(node)};
    if (is_list(spec->kind)) {
      const auto* array = node.as_array();
      if (!array) {
        wrong_type(node);
        continue;
      }
      bool ok = true;
      for (const auto& element : *array) {
        if (!accepts_scalar(spec->kind, element)) {
          wrong_type(element);
          ok = false;
          break;
        }
        value.items.push_back(*scalar_text(element));
      }
      if (ok) raw[key] = std::move(value);
    } else if (accepts_scalar(spec->kind, node)) {
      value.items.push_back(*scalar_text(node));
      raw[key] = std::move(value);
    } else {
      wrong_type(node);
    }
  }
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(start, end - start);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.remove_prefix(1);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.remove_suffix(1);
    if (!item.empty()) items.emplace_back(item);
    start = end + 1;
  }
  return items;
}

std::string shown_value(const KeySpec& spec, const std::vector<std::string>& items) {
  if (spec.secret) return "a value that is not shown";
  std::string joined;
  for (std::size_t i = 0; i < items.size(); ++i)
    joined += (i ? "," : "") + (spec.url ? detail::redact_url(items[i]) : items[i]);
  return "\"" + joined + "\"";
}

void load_toml_file(const std::string& path, std::map<std::string, RawValue>& raw, std::vector<std::string>& problems) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problems.push_back("config file " + path + ": cannot read it (" + std::strerror(errno) + ")");
    return;
  }
  std::ostringstream content;
  content << in.rdbuf();
  try {
    const toml::table table = toml::parse(content.str(), path);
    // toml++ iterates keys sorted by name; report in file order instead.
    LineProblems found;
    flatten(table, "", raw, found);
    std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [line, problem] : found) problems.push_back(std::move(problem));
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    problems.push_back("config file " + path + " line " + std::to_string(where.line) + " column " +
                       std::to_string(where.column) + ": " + std::string(e.description()));
  }
}

void load_env(const std::map<std::string, std::string>& env, std::map<std::string, RawValue>& raw) {
  for (const auto& spec : detail::key_specs()) {
    std::string name = env_name_for(spec.key);
    auto it = env.find(name);
    if (it == env.end() && spec.key == "telegram.token") {
      name = "TELEGRAM_BOT_TOKEN";
      it = env.find(name);
    }
    if (it == env.end()) continue;
    raw[spec.key] =
        RawValue{is_list(spec.kind) ? split_list(it->second) : std::vector<std::string>{it->second}, "env " + name};
  }
}

void load_token_file(Config& config, std::vector<std::string>& problems) {
  const std::string& path = config.telegram.token_file;
  if (path.empty()) return;
  const std::string key = "telegram.token_file: ";
  if (!config.telegram.token.empty()) {
    problems.push_back(key + "set either telegram.token (or TELEGRAM_BOT_TOKEN) or telegram.token_file, not both");
    return;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    problems.push_back(key + "cannot read " + path + " (" + std::strerror(errno) + ")");
    return;
  }
  if (auto mode_ok = check_secret_file_mode(st.st_mode, path); !mode_ok) {
    problems.push_back(key + mode_ok.error().message);
    return;
  }
  std::ifstream in(path, std::ios::binary);
  std::string token((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  Config probe;
  if (!in.good() && !in.eof()) {
    problems.push_back(key + "cannot read " + path);
  } else if (token.empty() || !find_spec("telegram.token")->apply({token}, probe)) {
    problems.push_back(key + path + " does not hold a bot token such as 123456:ABC-DEF1234 (contents not shown)");
  } else {
    config.telegram.token = token;
  }
}

void cross_check(const Config& c, const std::set<std::string>& invalid, std::vector<std::string>& problems) {
  const auto& sources = c.prices.sources;
  if (!invalid.contains("prices.sources")) {
    bool offline = false, live = false;
    std::set<std::string> seen;
    for (const auto& s : sources) {
      (s == "demo" || s == "replay" ? offline : live) = true;
      if (!seen.insert(s).second) problems.push_back("prices.sources: \"" + s + "\" is listed twice");
    }
    if (offline && live) {
      problems.push_back(
          "prices.sources: demo and replay are simulated and must not be mixed with live sources "
          "(pumpfun, dexscreener, jupiter); expected e.g. [\"demo\"] or [\"pumpfun\", \"dexscreener\"]");
    }
    if (seen.contains("replay") && c.prices.replay_file.empty()) {
      problems.push_back("prices.replay_file: required when prices.sources includes replay; expected a CSV file path");
    }
  }
  if (c.telegram.mode == "webhook" && c.telegram.webhook_url.empty() && !invalid.contains("telegram.webhook_url")) {
    problems.push_back(
        "telegram.webhook_url: required when telegram.mode is webhook; expected an https URL such as "
        "https://bot.example.org/telegram");
  }
  // A cached quote is reused without asking the sources; if it may be older than the trading
  // limit, trades are refused as stale (E-STALE-PRICE) while the price feed is healthy.
  if (!invalid.contains("trading.quote_reuse_ms") && !invalid.contains("prices.max_age_seconds") &&
      c.trading.quote_reuse > c.prices.max_age) {
    problems.push_back("trading.quote_reuse_ms: " + std::to_string(c.trading.quote_reuse.count()) +
                       " is above prices.max_age_seconds (" + std::to_string(c.prices.max_age.count()) +
                       " s); a reused quote would be refused as stale while prices are fine");
  }
  const auto& limits = c.trading.position_limit;
  auto check_limit = [&](const std::string& role, std::optional<Lamports> limit) {
    if (limit && c.trading.min_position > *limit) {
      problems.push_back("trading.min_position_sol: " + format_sol(c.trading.min_position) +
                         " is above trading.position_limit_sol." + role + " (" + format_sol(*limit) + ")");
    }
  };
  check_limit("basic", limits.basic);
  check_limit("premium", limits.premium);
  check_limit("admin", limits.admin);
}

}  // namespace

Result<Config> load_config(const std::optional<std::string>& toml_path, const std::map<std::string, std::string>& env) {
  std::vector<std::string> problems;
  std::map<std::string, RawValue> raw;
  if (toml_path) load_toml_file(*toml_path, raw, problems);
  load_env(env, raw);

  Config config;
  std::set<std::string> invalid;
  for (const auto& spec : detail::key_specs()) {
    const auto it = raw.find(spec.key);
    if (it == raw.end()) continue;
    if (!spec.apply(it->second.items, config)) {
      invalid.insert(spec.key);
      problems.push_back(spec.key + ": expected " + spec.expected + ", got " + shown_value(spec, it->second.items) +
                         " (" + it->second.origin + ")");
    }
  }
  load_token_file(config, problems);
  cross_check(config, invalid, problems);

  if (problems.empty()) return config;
  std::string message;
  for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
  return fatal("E-CONFIG", message);
}

std::vector<std::string> config_keys() {
  std::vector<std::string> keys;
  for (const auto& spec : detail::key_specs()) keys.push_back(spec.key);
  return keys;
}

std::string env_name_for(const std::string& key) {
  std::string name = "KITRADER_";
  for (char ch : key) name += ch == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return name;
}

std::vector<std::string> unknown_env_overrides(const std::map<std::string, std::string>& env) {
  std::set<std::string> known;
  for (const auto& spec : detail::key_specs()) known.insert(env_name_for(spec.key));
  std::vector<std::string> unknown;
  for (const auto& [name, value] : env) {
    if (name.starts_with("KITRADER_") && !known.contains(name)) unknown.push_back(name);
  }
  return unknown;
}

Result<void> check_secret_file_mode(unsigned mode, const std::string& path) {
  if ((mode & 0044u) == 0) return ok_result();
  char octal[8];
  std::snprintf(octal, sizeof octal, "%04o", mode & 07777u);
  return fatal("E-CONFIG", path + " is readable by group or others (mode " + octal +
                               "); expected mode 0600 or 0400 (chmod 600 " + path + ")");
}

}  // namespace kt::ops
