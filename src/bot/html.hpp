#pragma once
// Telegram's HTML subset: escaping for untrusted text, and a plain-text rendering for the console.
#include <string>
#include <string_view>

namespace kt::bot {

/// Escapes &, <, > and " so user and token data can never inject markup.
std::string escape_html(std::string_view text);
/// Removes tags and unescapes entities: what a console or a plain-text fallback shows.
std::string html_to_plain(std::string_view html);

}  // namespace kt::bot
