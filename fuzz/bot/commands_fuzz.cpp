// libFuzzer: bot::parse_message and bot::parse_callback on arbitrary bytes. The first byte picks
// the parser (even: message text, odd: button data). Invariants checked beyond "no crash":
// a parsed command's sizes are not negative, percents in range, and every encoded button parses back.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <type_traits>
#include <variant>

#include "bot/commands.hpp"

namespace {

void check(const kt::bot::Command& command) {
  std::visit(
      [](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, kt::bot::OpenCommand>) {
          // Never negative; 0 parses and is refused by the risk policy (E-MIN-SIZE).
          if (c.size.value < 0) std::abort();
        } else if constexpr (std::is_same_v<T, kt::bot::CloseCommand>) {
          if (c.percent < 1 || c.percent > 100 || c.position.value <= 0) std::abort();
          // The button for this close parses back to the same command.
          auto again = kt::bot::parse_callback(kt::bot::encode_close_button(c.position, c.percent));
          if (!again) std::abort();
        } else if constexpr (std::is_same_v<T, kt::bot::LimitCommand>) {
          if (c.size.value < 0) std::abort();
        }
      },
      command);
  (void)kt::bot::command_name(command);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    auto parsed = kt::bot::parse_message(text);
    if (parsed && *parsed) check(**parsed);
    if (parsed && !*parsed && parsed->error().code.empty()) std::abort();  // every refusal has a code
  } else {
    auto parsed = kt::bot::parse_callback(text);
    if (parsed) check(*parsed);
  }
  return 0;
}
