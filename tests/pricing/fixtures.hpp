#pragma once
// Reads recorded payloads from ../shared/fixtures for the pricing tests.
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace kt::pricing::testing {

inline std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(KT_FIXTURES_DIR) + "/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace kt::pricing::testing
