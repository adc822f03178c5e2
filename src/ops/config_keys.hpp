#pragma once
// Internal to kt_ops_config: the table of every configuration key, how it is parsed and shown.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ops/config.hpp"

namespace kt::ops::detail {

/// What a key accepts; decides which TOML value types are allowed for it.
enum class ValueKind {
  kText,      ///< a TOML string
  kNumber,    ///< a TOML integer, float, or a string holding the number
  kBool,      ///< a TOML boolean, or "true"/"false"
  kTextList,  ///< a TOML array of strings; env: comma-separated
  kIntList,   ///< a TOML array of integers; env: comma-separated
};

/// One configuration key: its name, accepted form and how it lands in Config.
struct KeySpec {
  std::string key;  ///< "trading.fee"
  ValueKind kind = ValueKind::kText;
  std::string expected;  ///< "a fraction between 0 and 0.1 such as 0.0025"
  bool secret = false;   ///< never echoed in errors or descriptions
  bool url = false;      ///< passwords and query strings masked in descriptions
  /// Parses the items (one for scalars) into the config; false when the value is invalid.
  std::function<bool(const std::vector<std::string>& items, Config& config)> apply;
  /// The current value as a TOML literal ("0.0025", "\"info\"", "[\"demo\"]"); with `redact`, URLs
  /// pass through redact_url (secrets are the caller's business).
  std::function<std::string(const Config& config, bool redact)> show;
};

/// Every key, in the order of deploy/kitrader.example.toml.
const std::vector<KeySpec>& key_specs();

/// Masks "user:password@" and any query string of a URL ("https://h/p?api-key=x" → "https://h/p?***").
std::string redact_url(std::string_view url);

}  // namespace kt::ops::detail
