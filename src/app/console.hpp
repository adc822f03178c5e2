#pragma once
// The local console front end: one line in, the replies out as plain text.
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <mutex>
#include <string>

#include "bot/conversation.hpp"
#include "bot/dispatcher.hpp"

namespace kt::app {

struct ConsoleOptions {
  std::int64_t telegram_id = 1;  ///< who the console speaks as (--as)
  std::string username = "console";
  bool interactive = false;            ///< print a prompt (stdin is a terminal)
  std::filesystem::path picture_dir;   ///< where PNG replies are written; "" = the temp directory
  std::mutex* output_mutex = nullptr;  ///< shared with notifications printed from other threads
};

/// Prints replies that arrive on their own (order fills) between the user's commands.
class ConsoleNotifier {
 public:
  ConsoleNotifier(std::ostream& out, std::mutex& mutex, std::filesystem::path picture_dir)
      : out_(out), mutex_(mutex), picture_dir_(std::move(picture_dir)) {}
  void operator()(const bot::Reply& reply);

 private:
  std::ostream& out_;
  std::mutex& mutex_;
  std::filesystem::path picture_dir_;
  int pictures_ = 1000;
};

/// A reply as plain text: tags stripped, buttons listed as "[label]" after the text.
std::string render_plain(const bot::Reply& reply, const std::filesystem::path& picture_dir, int* picture_counter);

/// Reads commands until end of input, prints each reply; returns the process exit code (0).
int run_console(bot::Dispatcher& dispatcher, std::istream& in, std::ostream& out, const ConsoleOptions& options);

}  // namespace kt::app
