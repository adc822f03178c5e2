#pragma once
// The local console front end: one line in, the replies out as plain text.
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>

#include "bot/conversation.hpp"
#include "bot/dispatcher.hpp"

namespace kt::app {

struct ConsoleOptions {
  std::int64_t telegram_id = 1;       ///< who the console speaks as (--as)
  std::string username = "console";
  bool interactive = false;           ///< print a prompt (stdin is a terminal)
  std::filesystem::path picture_dir;  ///< where PNG replies are written; "" = the temp directory
};

/// A reply as plain text: tags stripped, buttons listed as "[label]" after the text.
std::string render_plain(const bot::Reply& reply, const std::filesystem::path& picture_dir, int* picture_counter);

/// Reads commands until end of input, prints each reply; returns the process exit code (0).
int run_console(bot::Dispatcher& dispatcher, std::istream& in, std::ostream& out, const ConsoleOptions& options);

}  // namespace kt::app
