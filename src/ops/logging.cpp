#include "ops/logging.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <algorithm>
#include <filesystem>

namespace kt::ops {

// --- redaction -----------------------------------------------------------------------------------

namespace {

bool is_token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

constexpr std::string_view kRedacted = "<redacted>";

/// Replaces token-shaped spans: ≥ 8 digits, ':', ≥ 35 token characters (the whole runs go).
std::string redact_token_shapes(std::string text) {
  for (std::size_t colon = text.find(':'); colon != std::string::npos; colon = text.find(':', colon + 1)) {
    std::size_t start = colon;
    while (start > 0 && is_digit(text[start - 1])) --start;
    std::size_t end = colon + 1;
    while (end < text.size() && is_token_char(text[end])) ++end;
    if (colon - start >= 8 && end - colon - 1 >= 35) {
      text.replace(start, end - start, kRedacted);
      colon = start + kRedacted.size() - 1;
    }
  }
  return text;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

/// [begin, end) of the userinfo password, or {npos, npos}.
std::pair<std::size_t, std::size_t> userinfo_password_span(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {std::string_view::npos, std::string_view::npos};
  const std::size_t authority = scheme + 3;
  const auto path = url.find_first_of("/?#", authority);
  const auto at = url.rfind('@', path == std::string_view::npos ? url.size() : path);
  if (at == std::string_view::npos || at < authority) return {std::string_view::npos, std::string_view::npos};
  const auto colon = url.find(':', authority);
  if (colon == std::string_view::npos || colon > at) return {std::string_view::npos, std::string_view::npos};
  return {colon, at};  // the ':' through the '@' exclusive
}

/// [begin, end) of a "password=..." query parameter including its separator, or {npos, npos}.
std::pair<std::size_t, std::size_t> query_password_span(std::string_view url) {
  const auto query = url.find('?');
  if (query == std::string_view::npos) return {std::string_view::npos, std::string_view::npos};
  std::size_t pos = query + 1;
  while (pos < url.size()) {
    auto amp = url.find('&', pos);
    if (amp == std::string_view::npos) amp = url.size();
    if (url.substr(pos, amp - pos).starts_with("password=")) return {pos, amp};
    pos = amp + 1;
  }
  return {std::string_view::npos, std::string_view::npos};
}

}  // namespace

Redactor::Redactor(std::vector<std::string> secrets) {
  for (auto& s : secrets) add(s);
}

void Redactor::add(const std::string& secret) {
  if (secret.empty()) return;
  std::lock_guard lock(mutex_);
  for (const auto& s : secrets_) {
    if (s == secret) return;
  }
  secrets_.push_back(secret);
  // Longest first: a secret containing another is replaced whole.
  std::sort(secrets_.begin(), secrets_.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

std::string Redactor::redact(std::string_view text) const {
  std::string out(text);
  {
    std::lock_guard lock(mutex_);
    for (const auto& secret : secrets_) {
      for (auto pos = out.find(secret); pos != std::string::npos; pos = out.find(secret, pos + kRedacted.size())) {
        out.replace(pos, secret.size(), kRedacted);
      }
    }
  }
  return redact_token_shapes(std::move(out));
}

std::string url_password(std::string_view url) {
  if (auto [b, e] = userinfo_password_span(url); b != std::string_view::npos)
    return percent_decode(url.substr(b + 1, e - b - 1));
  if (auto [b, e] = query_password_span(url); b != std::string_view::npos)
    return percent_decode(url.substr(b + 9, e - b - 9));
  return "";
}

std::string strip_url_password(std::string_view url) {
  std::string out(url);
  if (auto [b, e] = query_password_span(out); b != std::string_view::npos) {
    // Drop "password=...&" (or the preceding '&' / the whole "?..." when it is the last one).
    if (e < out.size()) {
      out.erase(b, e - b + 1);
    } else {
      out.erase(b - 1);
    }
  }
  if (auto [b, e] = userinfo_password_span(out); b != std::string_view::npos) out.erase(b, e - b);
  return out;
}

std::vector<std::string> secrets_of(const Config& config) {
  std::vector<std::string> secrets = {config.telegram.token, config.telegram.webhook_secret,
                                      config.prices.jupiter_api_key};
  const std::string& url = config.database.url;
  if (auto [b, e] = userinfo_password_span(url); b != std::string_view::npos)
    secrets.push_back(url.substr(b + 1, e - b - 1));
  if (auto [b, e] = query_password_span(url); b != std::string_view::npos)
    secrets.push_back(url.substr(b + 9, e - b - 9));
  secrets.push_back(url_password(url));
  std::erase_if(secrets, [](const std::string& s) { return s.empty(); });
  return secrets;
}

// --- sinks ---------------------------------------------------------------------------------------

/// Redacts each event once, escapes line breaks, and hands it to stdout and the file sinks.
class FanOutSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  FanOutSink(LogConfig config, LogOutputs outputs, const std::vector<std::string>& secrets)
      : config_(std::move(config)), outputs_(outputs), redactor_(secrets) {}

  Redactor& redactor() { return redactor_; }

  /// (Re)creates the file sinks; the caller holds no lock.
  Result<void> open_files() {
    std::lock_guard lock(mutex_);
    return open_files_locked();
  }

  void build_stdout() {
    if (!outputs_.to_stdout) return;
    std::lock_guard lock(mutex_);
    stdout_ = std::make_shared<spdlog::sinks::stdout_sink_mt>();
    stdout_->set_pattern(kPattern);
  }

  static constexpr const char* kPattern = "[%Y-%m-%d %H:%M:%S.%e] [%l] [%n] %v";

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string text = redactor_.redact(std::string_view(msg.payload.data(), msg.payload.size()));
    // One event, one line: a multi-line message keeps its breaks visibly escaped.
    for (std::size_t pos = text.find_first_of("\r\n"); pos != std::string::npos;
         pos = text.find_first_of("\r\n", pos)) {
      text.replace(pos, 1, text[pos] == '\n' ? "\\n" : "\\r");
    }
    spdlog::details::log_msg copy(msg);
    copy.payload = spdlog::string_view_t(text.data(), text.size());
    for (const auto& sink : {stdout_, main_file_, error_file_}) {
      if (sink && sink->should_log(copy.level)) sink->log(copy);
    }
  }
  void flush_() override {
    for (const auto& sink : {stdout_, main_file_, error_file_}) {
      if (sink) sink->flush();
    }
  }

 private:
  Result<void> open_files_locked() {
    if (config_.dir.empty()) return ok_result();
    try {
      std::filesystem::create_directories(config_.dir);
      const std::size_t max_bytes = static_cast<std::size_t>(config_.max_file_mb) * 1024 * 1024;
      const auto files = static_cast<std::size_t>(config_.max_files);
      auto main_file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
          (std::filesystem::path(config_.dir) / "kitrader.log").string(), max_bytes, files);
      auto error_file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
          (std::filesystem::path(config_.dir) / "kitrader-error.log").string(), max_bytes, files);
      main_file->set_pattern(kPattern);
      error_file->set_pattern(kPattern);
      error_file->set_level(spdlog::level::err);
      main_file_ = std::move(main_file);
      error_file_ = std::move(error_file);
    } catch (const std::exception& e) {
      return fatal("E-LOG", std::string("log.dir: cannot open the log files in ") + config_.dir + ": " + e.what());
    }
    return ok_result();
  }

  LogConfig config_;
  LogOutputs outputs_;
  Redactor redactor_;
  std::shared_ptr<spdlog::sinks::sink> stdout_;
  std::shared_ptr<spdlog::sinks::sink> main_file_;
  std::shared_ptr<spdlog::sinks::sink> error_file_;
};

Result<std::unique_ptr<Logging>> Logging::setup(const LogConfig& config, const std::vector<std::string>& secrets,
                                                LogOutputs outputs) {
  auto sink = std::make_shared<FanOutSink>(config, outputs, secrets);
  sink->build_stdout();
  KT_TRY_VOID(sink->open_files());
  const auto level = spdlog::level::from_str(config.level);
  for (const auto& name : component_names()) {
    auto logger = std::make_shared<spdlog::logger>(name, sink);
    logger->set_level(level);
    logger->flush_on(spdlog::level::trace);  // every line reaches the file at once (crash, tail -f)
    spdlog::drop(name);
    if (name == "app") {
      spdlog::set_default_logger(logger);
    } else {
      spdlog::register_logger(logger);
    }
  }
  return std::unique_ptr<Logging>(new Logging(std::move(sink)));
}

Logging::~Logging() = default;

Result<void> Logging::reopen() { return sink_->open_files(); }

void Logging::add_secret(const std::string& secret) { sink_->redactor().add(secret); }

void Logging::flush() { sink_->flush(); }

std::shared_ptr<spdlog::logger> component_logger(const std::string& name) {
  if (auto logger = spdlog::get(name)) return logger;
  return spdlog::default_logger();
}

}  // namespace kt::ops
