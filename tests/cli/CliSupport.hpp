#pragma once
// Runs the real `alwann` binary and captures what a user would see.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace alwann::test {

struct CliResult {
  int status;
  std::string out, err;
};

// Runs a shell command line, capturing its stdout and stderr.
inline CliResult run_command(const std::string& command) {
  namespace fs = std::filesystem;
  static int counter = 0;
  const fs::path err_file = fs::temp_directory_path() / ("alwann-cli-test-stderr-" + std::to_string(::getpid()) + "-" +
                                                         std::to_string(counter++));
  const std::string cmd = command + " 2>" + err_file.string();
  CliResult r{0, "", ""};
  FILE* p = ::popen(cmd.c_str(), "r");
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (FILE* e = std::fopen(err_file.c_str(), "r")) {
    while ((n = std::fread(buf.data(), 1, buf.size(), e)) > 0) r.err.append(buf.data(), n);
    std::fclose(e);
  }
  fs::remove(err_file);
  return r;
}

inline CliResult run_alwann(const std::string& args) { return run_command(std::string(ALWANN_EXE) + " " + args); }

// The whole file as bytes.
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A fresh, empty folder for one test: <tmp>/alwann-<suite>-<pid>-<name>.
inline std::filesystem::path scratch_dir(const std::string& suite, const std::string& name) {
  const std::filesystem::path p =
      std::filesystem::temp_directory_path() / ("alwann-" + suite + "-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p;
}

inline std::string source_path(const std::string& relative) { return std::string(ALWANN_SOURCE_DIR) + "/" + relative; }

}  // namespace alwann::test
