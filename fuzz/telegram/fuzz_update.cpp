// Any bytes: parsing an update, splitting a getUpdates answer and splitting/stripping HTML must
// never crash or hang; a split answer must agree with the full JSON parse wherever that succeeds.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "telegram/html_text.hpp"
#include "telegram/update_batch.hpp"
#include "telegram/update_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto parsed = kt::telegram::parse_update_text(bytes, "KiTraderBot");
  if (parsed.ok() && parsed->incoming) {
    auto addressed = kt::telegram::address_command(parsed->incoming->text, "KiTraderBot");
    (void)addressed;
  }
  if (auto split = kt::telegram::split_updates_answer(bytes)) {
    const auto tree = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
    if (!tree.is_discarded()) {
      const auto& result = tree.at("result");
      if (result.size() != split->size()) __builtin_trap();
      for (std::size_t i = 0; i < split->size(); ++i) {
        const auto& raw = (*split)[i];
        if (nlohmann::json::parse(bytes.substr(raw.offset, raw.size), nullptr, false) != result[i]) __builtin_trap();
        const auto id = result[i].find("update_id");
        const bool plain_id = id != result[i].end() && id->is_number_integer() && !id->is_number_unsigned();
        if (raw.update_id && (!plain_id || *raw.update_id != id->get<std::int64_t>())) __builtin_trap();
      }
    }
  }
  (void)kt::telegram::html_to_plain(bytes);
  std::size_t limit = size == 0 ? 1 : 1 + data[0] % 64;
  std::size_t total = 0;
  for (const auto& piece : kt::telegram::split_html(bytes, limit)) total += piece.size();
  (void)total;
  return 0;
}
