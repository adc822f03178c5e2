#pragma once
// Command-line parsing shared by the end-to-end benchmarks: `--key value` pairs and --help. An
// unknown option, an option without its value, or a value that is not a number in range ends the
// run before anything starts, with one line saying which and the usage (exit status 2): a typo
// used to be ignored, or to abort with an uncaught std::invalid_argument.
#include <charconv>
#include <cstdio>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace kt::bench {

struct CliError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// `value` as a number of type T within [min, max]; CliError naming `key` otherwise.
template <class T>
T cli_number(const std::string& key, const std::string& value, T min, T max) {
  T out{};
  const char* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, out);
  if (ec != std::errc() || ptr != end || value.empty()) {
    throw CliError(key + ": '" + value + "' is not a number");
  }
  if (out < min || out > max) {
    // A stream prints a bound as written in the usage ("1", not std::to_string's "1.000000").
    std::ostringstream range;
    range << min << " to " << max;
    throw CliError(key + ": " + value + " is out of range (" + range.str() + ")");
  }
  return out;
}

/// A comma-separated list ("1000,100000"); empty items are skipped.
inline std::vector<std::string> cli_list(const std::string& value) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= value.size()) {
    const std::size_t comma = value.find(',', start);
    const std::size_t stop = comma == std::string::npos ? value.size() : comma;
    if (stop > start) out.push_back(value.substr(start, stop - start));
    start = stop + 1;
  }
  return out;
}

/// Each item of `value` as a number in [min, max].
template <class T>
std::vector<T> cli_numbers(const std::string& key, const std::string& value, T min, T max) {
  std::vector<T> out;
  for (const auto& item : cli_list(value)) out.push_back(cli_number<T>(key, item, min, max));
  if (out.empty()) throw CliError(key + ": needs at least one value");
  return out;
}

/// Each item of `value`, which must be one of `allowed`.
inline std::vector<std::string> cli_choices(const std::string& key, const std::string& value,
                                            const std::vector<std::string>& allowed) {
  auto out = cli_list(value);
  if (out.empty()) throw CliError(key + ": needs at least one value");
  for (const auto& item : out) {
    bool known = false;
    for (const auto& a : allowed) known = known || item == a;
    if (!known) throw CliError(key + ": unknown value '" + item + "'");
  }
  return out;
}

/// Parses argv: calls `on_option(key, value)` for each pair, which throws CliError for an unknown
/// key or a bad value. Returns the exit status to end with now (0 after --help, 2 after an error,
/// with the usage printed), or -1 to go on.
inline int parse_cli(int argc, char** argv, const char* usage,
                     const std::function<void(const std::string& key, const std::string& value)>& on_option) {
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string key = argv[i];
      if (key == "--help" || key == "-h") {
        std::printf("%s", usage);
        return 0;
      }
      if (i + 1 >= argc) throw CliError(key + ": needs a value");
      on_option(key, argv[++i]);
    }
  } catch (const CliError& e) {
    std::fprintf(stderr, "%s\n\n%s", e.what(), usage);
    return 2;
  }
  return -1;
}

}  // namespace kt::bench
