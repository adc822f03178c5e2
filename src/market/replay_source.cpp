#include "market/replay_source.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>
#include <system_error>

#include "market/demo_market.hpp"

namespace kt::market {
namespace {

constexpr std::uint8_t kDefaultDecimals = 6;
constexpr std::size_t kMaxReportedLines = 10;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const auto comma = line.find(',', start);
    fields.push_back(
        trim(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

template <class Int>
std::optional<Int> parse_whole(std::string_view text) {
  Int value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

/// Parses one data row, or says what is wrong with it.
Result<std::pair<Mint, ReplayRow>> parse_row(const std::vector<std::string_view>& f) {
  if (f.size() != 3 && f.size() != 4) {
    return rejected("E-REPLAY-FILE",
                    "expected unix_time,mint,price_sol[,decimals], got " + std::to_string(f.size()) + " fields");
  }
  const auto time = parse_whole<std::int64_t>(f[0]);
  if (!time || *time < 0)
    return rejected("E-REPLAY-FILE", "unix_time '" + std::string(f[0]) + "' is not whole seconds since 1970");
  auto mint = Mint::parse(f[1]);
  if (!mint) return rejected("E-REPLAY-FILE", "mint '" + std::string(f[1].substr(0, 50)) + "' is not a base58 address");
  std::uint8_t decimals = kDefaultDecimals;
  if (f.size() == 4) {
    const auto d = parse_whole<unsigned>(f[3]);
    if (!d || *d > 18)
      return rejected("E-REPLAY-FILE", "decimals '" + std::string(f[3]) + "' is not a number from 0 to 18");
    decimals = static_cast<std::uint8_t>(*d);
  } else if (const DemoToken* known = find_demo_token(*mint)) {
    decimals = known->decimals;
  }
  auto price = Price::from_sol_per_token(f[2], decimals);
  if (!price)
    return rejected("E-REPLAY-FILE", "price_sol '" + std::string(f[2].substr(0, 50)) + "': " + price.error().message);
  return std::pair{*mint, ReplayRow{*time, *price, decimals}};
}

std::string describe_time(std::int64_t unix_seconds) { return "unix time " + std::to_string(unix_seconds); }

}  // namespace

Result<ReplayTable> parse_replay_csv(std::string_view text, const std::string& file_name) {
  ReplayTable table;
  std::vector<std::string> problems;
  std::size_t problem_count = 0, rows = 0, line_number = 0;
  bool first_content_line = true;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = trim(text.substr(start, end - start));
    start = end + 1;
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    const auto fields = split_fields(line);
    const bool is_first = first_content_line;
    first_content_line = false;
    if (is_first && !parse_whole<std::int64_t>(fields[0])) continue;  // a header line
    auto row = parse_row(fields);
    if (!row) {
      if (++problem_count <= kMaxReportedLines)
        problems.push_back("line " + std::to_string(line_number) + ": " + row.error().message);
      continue;
    }
    table[row->first].push_back(row->second);
    ++rows;
  }
  if (problem_count > 0) {
    std::string message = "replay file " + file_name + ": ";
    for (std::size_t i = 0; i < problems.size(); ++i) message += (i ? "\n" : "") + problems[i];
    if (problem_count > problems.size())
      message += "\n... and " + std::to_string(problem_count - problems.size()) + " more bad lines";
    return fatal("E-REPLAY-FILE", message);
  }
  if (rows == 0)
    return fatal("E-REPLAY-FILE",
                 "replay file " + file_name + " has no price rows (expected unix_time,mint,price_sol)");
  for (auto& [mint, list] : table) {
    std::stable_sort(list.begin(), list.end(),
                     [](const ReplayRow& a, const ReplayRow& b) { return a.unix_time < b.unix_time; });
  }
  return table;
}

Result<std::unique_ptr<ReplaySource>> ReplaySource::open(const std::string& path) {
  std::unique_ptr<ReplaySource> source(new ReplaySource(path));
  std::lock_guard lock(source->mutex_);
  KT_TRY_VOID(source->load());
  return source;
}

Result<void> ReplaySource::load() {
  std::error_code ec;
  const auto modified = std::filesystem::last_write_time(path_, ec);
  const auto size = ec ? 0 : std::filesystem::file_size(path_, ec);
  if (ec) {
    stamp_.reset();  // reload as soon as it is back
    load_error_ = fatal("E-REPLAY-FILE", "cannot read replay file " + path_ + ": " + ec.message());
    return *load_error_;
  }
  stamp_ = FileStamp{modified, size};
  std::ifstream in(path_, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  if (!in) {
    load_error_ = fatal("E-REPLAY-FILE", "cannot read replay file " + path_);
    return *load_error_;
  }
  auto table = parse_replay_csv(content.str(), path_);
  if (!table) {
    load_error_ = table.error();
    return *load_error_;
  }
  table_ = std::move(*table);
  load_error_.reset();
  ++load_count_;
  return ok_result();
}

Result<void> ReplaySource::refresh_if_changed(TimePoint now) {
  const bool checked_recently = last_check_ && now >= *last_check_ && now - *last_check_ < std::chrono::seconds(1);
  if (!checked_recently) {
    last_check_ = now;
    std::error_code ec;
    const auto modified = std::filesystem::last_write_time(path_, ec);
    const auto size = ec ? 0 : std::filesystem::file_size(path_, ec);
    if (ec || !stamp_ || !(FileStamp{modified, size} == *stamp_)) (void)load();
  }
  if (!load_error_) return ok_result();
  // The file was fine at start and broke later: a transient failure of this source until fixed.
  return retryable(load_error_->code, load_error_->message);
}

Result<Quote> ReplaySource::quote(const Mint& mint, TimePoint now) {
  std::lock_guard lock(mutex_);
  KT_TRY_VOID(refresh_if_changed(now));
  const auto it = table_.find(mint);
  if (it == table_.end()) return not_found("E-UNKNOWN-TOKEN", "the replay file has no prices for " + mint.short_form());
  const std::int64_t t = std::chrono::floor<std::chrono::seconds>(now).time_since_epoch().count();
  const auto& rows = it->second;
  const auto after = std::upper_bound(rows.begin(), rows.end(), t,
                                      [](std::int64_t time, const ReplayRow& row) { return time < row.unix_time; });
  if (after == rows.begin()) {
    return not_found("E-UNKNOWN-TOKEN", "the replay file has no price for " + mint.short_form() + " before " +
                                            describe_time(rows.front().unix_time));
  }
  const ReplayRow& row = *(after - 1);
  Quote q;
  q.mint = mint;
  q.price = row.price;
  q.decimals = row.decimals;
  q.source = "replay";
  q.observed_at = TimePoint{std::chrono::seconds(row.unix_time)};
  q.simulated = true;
  return q;
}

Result<TokenInfo> ReplaySource::token_info(const Mint& mint, TimePoint now) {
  std::lock_guard lock(mutex_);
  KT_TRY_VOID(refresh_if_changed(now));
  const auto it = table_.find(mint);
  if (it == table_.end()) return not_found("E-UNKNOWN-TOKEN", "the replay file has no prices for " + mint.short_form());
  TokenInfo info;
  info.mint = mint;
  info.decimals = it->second.back().decimals;
  if (const DemoToken* known = find_demo_token(mint)) {
    info.symbol = known->symbol;
    info.name = known->name;
  }
  return info;
}

std::optional<Mint> ReplaySource::resolve_symbol(const std::string& upper_symbol) const {
  std::lock_guard lock(mutex_);
  for (const auto& token : demo_tokens()) {
    if (token.symbol == upper_symbol && table_.contains(token.mint)) return token.mint;
  }
  return std::nullopt;
}

std::uint64_t ReplaySource::load_count() const {
  std::lock_guard lock(mutex_);
  return load_count_;
}

}  // namespace kt::market
