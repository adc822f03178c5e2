#include "app/console.hpp"

#include <fstream>
#include <istream>
#include <ostream>

#include "bot/html.hpp"

namespace kt::app {

std::string render_plain(const bot::Reply& reply, const std::filesystem::path& picture_dir, int* picture_counter) {
  std::string text = bot::html_to_plain(reply.html);
  if (reply.photo_png) {
    const auto dir = picture_dir.empty() ? std::filesystem::temp_directory_path() / "kitrader" : picture_dir;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    const auto path = dir / ("picture-" + std::to_string(++*picture_counter) + ".png");
    std::ofstream file(path, std::ios::binary);
    file.write(reply.photo_png->data(), static_cast<std::streamsize>(reply.photo_png->size()));
    text += (text.empty() ? "" : "\n") + std::string(file ? "Picture written to " : "Could not write picture to ") +
            path.string();
  }
  for (const auto& row : reply.buttons) {
    std::string line;
    for (const auto& button : row) line += (line.empty() ? "" : " ") + ("[" + button.label + "]");
    text += "\n" + line;
  }
  return text;
}

void ConsoleNotifier::operator()(const bot::Reply& reply) {
  std::lock_guard lock(mutex_);
  out_ << "\n" << render_plain(reply, picture_dir_, &pictures_) << "\n\n" << std::flush;
}

int run_console(bot::Dispatcher& dispatcher, std::istream& in, std::ostream& out, const ConsoleOptions& options) {
  int pictures = 0;
  std::string line;
  while (true) {
    if (options.interactive) out << "kitrader> " << std::flush;
    if (!std::getline(in, line)) break;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    bot::Incoming incoming;
    incoming.telegram_user_id = options.telegram_id;
    incoming.chat_id = options.telegram_id;
    incoming.username = options.username;
    incoming.chat_kind = bot::ChatKind::kConsole;
    incoming.text = line;
    const auto replies = dispatcher.handle(incoming);
    std::unique_lock<std::mutex> lock;
    if (options.output_mutex) lock = std::unique_lock<std::mutex>(*options.output_mutex);
    for (const auto& reply : replies) out << render_plain(reply, options.picture_dir, &pictures) << "\n\n";
    out << std::flush;
  }
  if (options.interactive) out << "\n";
  return 0;
}

}  // namespace kt::app
