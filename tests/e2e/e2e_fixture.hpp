#pragma once
// The fixture of the `kitrader run` end-to-end tests: a FakeBotApi in this process, a temporary
// directory (database, output, logs), the child processes, and a check at the end of every test
// that the token appears in no output and no log file.
#include <gtest/gtest.h>

#include <functional>
#include <iostream>
#include <memory>

#include "e2e/kitrader_process.hpp"
#include "telegram/fake_bot_api.hpp"

namespace kt::e2e {

using namespace std::chrono_literals;

/// Shaped like a real token: bot id, colon, 35 characters.
inline constexpr const char* kToken = "123456789:AAHk3Jx9QpL2mZ7vR4tW8yB1nC5dF0gHs6E";
inline constexpr const char* kBotUsername = "KiPaperTestBot";

inline bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return done();
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class KitraderRunE2E : public ::testing::Test {
 protected:
  std::map<std::string, std::string> env() const {
    return {{"TELEGRAM_BOT_TOKEN", kToken},
            {"KITRADER_TELEGRAM_API_URL", fake.api_url()},
            {"KITRADER_DATABASE_URL", "sqlite://" + (dir.path() / "kitrader.db").string()},
            {"KITRADER_PRICES_SOURCES", "demo"},
            {"KITRADER_HTTP_LISTEN", ""},
            {"KITRADER_LOG_DIR", (dir.path() / "logs").string()},
            // Per-chat pacing (1 message/s) is tested in tests/telegram; here it would only add seconds.
            {"KITRADER_TELEGRAM_PACING_ENABLED", "false"}};
  }

  /// Starts `kitrader run` with env() plus `extra`.
  KitraderProcess& start(const std::map<std::string, std::string>& extra = {}) {
    auto e = env();
    for (const auto& [k, v] : extra) e[k] = v;
    processes.push_back(std::make_unique<KitraderProcess>(std::vector<std::string>{"run"}, e, dir.path(),
                                                          "run" + std::to_string(processes.size())));
    return *processes.back();
  }
  /// Starts a poller and waits for its first getUpdates.
  KitraderProcess& start_polling() {
    const auto before = fake.count("getUpdates");
    auto& p = start();
    // Generous: a debug binary starting on a loaded machine; normally ~50 ms.
    EXPECT_TRUE(fake.wait_for("getUpdates", before + 1, 20s)) << p.err();
    return p;
  }

  /// Texts sent to `chat`, in order.
  std::vector<std::string> texts_to(std::int64_t chat) const {
    std::vector<std::string> out;
    for (const auto& c : fake.calls("sendMessage")) {
      if (c.params.value("chat_id", std::int64_t{0}) == chat) out.push_back(c.params.value("text", ""));
    }
    return out;
  }
  std::vector<kt::testing::RecordedCall> messages_to(std::int64_t chat) const {
    std::vector<kt::testing::RecordedCall> out;
    for (const auto& c : fake.calls("sendMessage")) {
      if (c.params.value("chat_id", std::int64_t{0}) == chat) out.push_back(c);
    }
    return out;
  }
  bool wait_texts(std::int64_t chat, std::size_t n, std::chrono::milliseconds timeout = 10s) const {
    return wait_until([&] { return texts_to(chat).size() >= n; }, timeout);
  }

  void TearDown() override {
    for (auto& p : processes) {
      p->signal(SIGKILL);
      p->wait_exit(5s);
    }
    if (HasFailure()) {  // what the processes said, to diagnose the failure (tokens are redacted)
      for (std::size_t i = 0; i < processes.size(); ++i) {
        auto said = processes[i]->out() + processes[i]->err();
        if (said.size() > 4000) said = said.substr(said.size() - 4000);
        std::cerr << "--- process " << i << " (exit " << processes[i]->exit_code().value_or(999) << "):\n"
                  << said << "\n";
      }
      std::cerr << "--- Bot API calls:";
      for (const auto& c : fake.calls()) std::cerr << " " << c.method;
      std::cerr << "\n";
    }
    // The token never shows: not in stdout, stderr, nor any log file.
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
      if (!entry.is_regular_file() || entry.path().filename().string().starts_with("kitrader.db")) continue;
      ++files;
      const std::string text = read_file(entry.path());
      EXPECT_FALSE(contains(text, kToken)) << entry.path();
      EXPECT_FALSE(contains(text, "AAHk3Jx9QpL2mZ7vR4tW8yB1nC5dF0gHs6E")) << entry.path();
    }
    EXPECT_GE(files, 2 * processes.size());
  }

  kt::testing::FakeBotApi fake{kToken, kBotUsername};
  TempDir dir{"run"};
  std::vector<std::unique_ptr<KitraderProcess>> processes;
};

}  // namespace kt::e2e
