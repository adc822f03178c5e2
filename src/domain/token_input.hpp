#pragma once
// Whatever a user types where a token is expected: a mint address, a link that contains one, or a
// symbol. Resolution of a symbol to a mint happens later, against the tokens the bot knows.
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "domain/mint.hpp"

namespace kt {

struct TokenRef {
  std::optional<Mint> mint;  ///< set for an address or a link
  std::string symbol;        ///< upper-case symbol without '$', set otherwise
};

/// Accepts: a base58 mint; a pump.fun, DexScreener, Birdeye, Solscan, Jupiter or GMGN link that
/// contains a mint; a symbol such as "BONK", "bonk" or "$BONK". Anything else (or a link holding
/// two different addresses) is rejected with a message that says what is expected.
Result<TokenRef> parse_token_input(std::string_view text);

/// The message shown when a token cannot be understood; names the accepted forms.
inline constexpr std::string_view kTokenInputHint =
    "Give a token as a mint address, a pump.fun / DexScreener / Birdeye / Solscan / Jupiter / GMGN link, "
    "or a symbol such as BONK.";

}  // namespace kt
