#pragma once
// Runs the real kitrader binary with arguments, standard input and environment, capturing output.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace kt::testing {

struct Run {
  int exit_code = -1;
  std::string out;  ///< stdout and stderr together
};

/// `env` is a prefix like "KITRADER_DATABASE_URL=sqlite:///tmp/x.db"; the shell runs the command.
inline Run run_kitrader(const std::string& args, const std::string& input, const std::string& env = "") {
  static int counter = 0;
  const auto in_path = std::filesystem::temp_directory_path() /
                       ("kt_e2e_in_" + std::to_string(::getpid()) + "_" + std::to_string(++counter));
  std::ofstream(in_path) << input;
  const std::string cmd =
      "env " + env + " " + std::string(KT_BINARY_DIR) + "/kitrader " + args + " < " + in_path.string() + " 2>&1";
  Run run;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return run;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) run.out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::filesystem::remove(in_path);
  return run;
}

inline std::string temp_db_url(const std::string& name) {
  const auto path = std::filesystem::temp_directory_path() / ("kt_" + name + "_" + std::to_string(::getpid()) + ".db");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return "sqlite://" + path.string();
}

}  // namespace kt::testing
