#include "rtl/VerilatorRunner.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "common/Error.hpp"

namespace alwann::rtl {

namespace {

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv) {
  std::string cmd;
  for (const auto& a : argv) cmd += shell_quote(a) + " ";
  cmd += "2>&1";
  ProcessResult r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) throw Error("cannot run " + argv.front());
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  const int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return r;
}

std::string verilator_executable() {
  const char* v = std::getenv("ALWANN_VERILATOR");
  return (v && *v) ? v : "verilator";
}

std::string verilator_include_dir() {
  static const std::string dir = [] {
    const ProcessResult r = run_process({verilator_executable(), "--getenv", "VERILATOR_ROOT"});
    if (r.status != 0) throw Error("cannot run verilator (is the verilator package installed?): " + trim(r.output));
    return trim(r.output) + "/include";
  }();
  return dir;
}

void run_verilator_or_throw(const std::vector<std::string>& args, const std::string& file) {
  std::vector<std::string> argv = {verilator_executable()};
  argv.insert(argv.end(), args.begin(), args.end());
  const ProcessResult r = run_process(argv);
  if (r.status == 0) return;
  if (r.status == 127) throw Error("cannot run verilator (is the verilator package installed?)");
  std::istringstream lines(r.output);
  std::string line, first;
  while (std::getline(lines, line))
    if (line.rfind("%Error", 0) == 0) { first = line; break; }
  if (first.empty()) first = trim(r.output.substr(0, 300));
  throw file_error(file, "Verilator: " + first);
}

}  // namespace alwann::rtl
