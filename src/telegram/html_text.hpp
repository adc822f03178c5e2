#pragma once
// Telegram HTML text helpers: the plain-text fallback and splitting long messages.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kt::telegram {

/// Telegram's limit on a message's text, in UTF-16 code units.
inline constexpr std::size_t kMaxMessageLength = 4096;
/// Telegram's limit on a photo caption.
inline constexpr std::size_t kMaxCaptionLength = 1024;

/// Tags removed and entities (&lt; &gt; &amp; &quot; &#39; &#NN; &#xHH;) decoded.
std::string html_to_plain(std::string_view html);

/// Length in UTF-16 code units (how Telegram counts), of the raw text including any tags.
std::size_t utf16_length(std::string_view text);

/// Splits `html` into pieces of at most `limit` UTF-16 units each, on line boundaries when a line
/// fits, otherwise hard between characters. Never cuts a tag, an entity or a UTF-8 sequence; tags
/// open at a cut are closed at the end of a piece and reopened at the start of the next.
std::vector<std::string> split_html(std::string_view html, std::size_t limit = kMaxMessageLength);

}  // namespace kt::telegram
