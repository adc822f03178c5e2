#include "domain/token_input.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace kt {
namespace {

constexpr std::array<std::string_view, 9> kLinkHosts = {
    "pump.fun", "dexscreener.com",         "birdeye.so", "solscan.io", "jup.ag",
    "gmgn.ai",  "photon-sol.tinyastro.io", "bullx.io",   "raydium.io"};

// The bytes of U+200B..U+200D, U+2060 and U+FEFF in UTF-8: invisible, and a common paste accident.
bool has_invisible(std::string_view s) {
  for (std::string_view z : {"\xE2\x80\x8B", "\xE2\x80\x8C", "\xE2\x80\x8D", "\xE2\x81\xA0", "\xEF\xBB\xBF"}) {
    if (s.find(z) != std::string_view::npos) return true;
  }
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Error expected(std::string_view why) {
  return rejected("E-TOKEN", std::string(why) + " " + std::string(kTokenInputHint));
}

// Host of a link with or without a scheme ("https://www.pump.fun/coin/x" → "pump.fun").
std::optional<std::string> link_host(std::string_view text) {
  std::string_view rest = text;
  if (auto p = rest.find("://"); p != std::string_view::npos) rest = rest.substr(p + 3);
  const auto end = rest.find_first_of("/?#");
  std::string host = lower(rest.substr(0, end));
  if (host.rfind("www.", 0) == 0) host = host.substr(4);
  if (host.find('.') == std::string::npos) return std::nullopt;
  if (end == std::string_view::npos && text.find("://") == std::string_view::npos) return std::nullopt;
  return host;
}

Result<TokenRef> from_link(std::string_view text, const std::string& host) {
  const bool known = std::any_of(kLinkHosts.begin(), kLinkHosts.end(), [&](std::string_view h) {
    return host == h || (host.size() > h.size() && host.ends_with(h) && host[host.size() - h.size() - 1] == '.');
  });
  if (!known) return expected("Links from " + host + " are not supported.");
  // Every base58 run of address length in the path and query is a candidate.
  std::vector<Mint> found;
  std::size_t i = text.find("://");
  i = i == std::string_view::npos ? 0 : i + 3;
  while (i < text.size()) {
    const auto start = text.find_first_not_of("/?&=#-_.:", i);
    if (start == std::string_view::npos) break;
    auto stop = text.find_first_of("/?&=#-_.:", start);
    if (stop == std::string_view::npos) stop = text.size();
    if (auto m = Mint::parse(text.substr(start, stop - start)); m) {
      if (std::find(found.begin(), found.end(), *m) == found.end()) found.push_back(*m);
    }
    i = stop;
  }
  // Jupiter swap links name both sides; wrapped SOL is the quote side, not the token.
  static const Mint kWrappedSol = *Mint::parse("So11111111111111111111111111111111111111112");
  if (found.size() > 1) found.erase(std::remove(found.begin(), found.end(), kWrappedSol), found.end());
  if (found.empty()) return expected("That " + host + " link holds no token address.");
  if (found.size() > 1) return expected("That link holds more than one token address; paste the mint itself.");
  return TokenRef{found.front(), ""};
}

}  // namespace

Result<TokenRef> parse_token_input(std::string_view raw) {
  if (has_invisible(raw))
    return expected("The token contains invisible (zero-width) characters; retype or re-copy it.");
  const std::string_view text = trim(raw);
  if (text.empty()) return expected("No token given.");
  if (text.size() > 512) return expected("That is too long to be a token.");
  if (auto host = link_host(text)) return from_link(text, *host);
  if (text.size() >= 32 && text.size() <= 44) {
    auto mint = Mint::parse(text);
    if (mint) return TokenRef{*mint, ""};
    if (text.size() > 12) return rejected("E-TOKEN", mint.error().message + ". " + std::string(kTokenInputHint));
  }
  std::string_view symbol = text;
  if (symbol.front() == '$') symbol.remove_prefix(1);
  const bool valid = !symbol.empty() && symbol.size() <= 12 &&
                     std::all_of(symbol.begin(), symbol.end(), [](unsigned char c) { return std::isalnum(c) != 0; });
  if (!valid) {
    if (text.size() > 12 && text.size() < 32)
      return expected("'" + std::string(text.substr(0, 44)) +
                      "' is too short for an address and too long for a symbol.");
    return expected("'" + std::string(text.substr(0, 44)) + "' is not a token.");
  }
  std::string upper(symbol);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return TokenRef{std::nullopt, upper};
}

}  // namespace kt
