// Any bytes: parsing an update and splitting/stripping HTML must never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "telegram/html_text.hpp"
#include "telegram/update_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto parsed = kt::telegram::parse_update_text(bytes, "KiTraderBot");
  if (parsed.ok() && parsed->incoming) {
    auto addressed = kt::telegram::address_command(parsed->incoming->text, "KiTraderBot");
    (void)addressed;
  }
  (void)kt::telegram::html_to_plain(bytes);
  std::size_t limit = size == 0 ? 1 : 1 + data[0] % 64;
  std::size_t total = 0;
  for (const auto& piece : kt::telegram::split_html(bytes, limit)) total += piece.size();
  (void)total;
  return 0;
}
