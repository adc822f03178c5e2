// Showing a configuration without its secrets, and the --demo switch.
#include "ops/config.hpp"
#include "ops/config_keys.hpp"

namespace kt::ops {

std::string describe_config_redacted(const Config& config) {
  std::string out;
  for (const auto& spec : detail::key_specs()) {
    std::string value = spec.show(config, true);
    if (spec.secret) value = value == "\"\"" ? "(unset)" : "***";
    out += spec.key + " = " + value + "\n";
  }
  return out;
}

void apply_demo_mode(Config& config) { config.prices.sources = {"demo"}; }

}  // namespace kt::ops
