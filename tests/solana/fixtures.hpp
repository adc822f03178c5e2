#pragma once
// Loads recorded payloads from ../shared/fixtures for the solana tests.
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "solana/base64.hpp"

namespace kt::solana::testing {

inline std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(KT_FIXTURES_DIR) + "/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A .b64 fixture's bytes (the file holds one base64 string, maybe with a trailing newline).
inline std::vector<std::uint8_t> b64_fixture(const std::string& name) {
  std::string text = read_fixture(name);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  auto bytes = base64_decode(text);
  if (!bytes) throw std::runtime_error(name + ": " + bytes.error().message);
  return *bytes;
}

inline std::vector<std::uint8_t> b64(const std::string& text) {
  auto bytes = base64_decode(text);
  if (!bytes) throw std::runtime_error(bytes.error().message);
  return *bytes;
}

inline nlohmann::json json_fixture(const std::string& name) { return nlohmann::json::parse(read_fixture(name)); }

}  // namespace kt::solana::testing
