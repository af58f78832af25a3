#include "rtl/VerilatorRunner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "common/Error.hpp"

namespace alwann::rtl {

namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

namespace {

// Runs in the forked guard process, so only async-signal-safe calls.
void kill_own_group(int) { ::kill(0, SIGKILL); }

// The guard: leads a process group holding the tool and every process the
// tool starts (a compiler driver's cc1plus and as, verilator's verilator_bin),
// and kills the whole group when alwann dies, even by kill -9 (the kernel
// sends the guard SIGUSR1 then). Without it a killed run left compilers
// running for minutes, writing into the cache.
[[noreturn]] void run_guard(char* const* argv, int out_fd, pid_t alwann, const std::string& exec_failed) {
  ::setpgid(0, 0);
  struct sigaction on_parent_death {};
  on_parent_death.sa_handler = kill_own_group;
  ::sigaction(SIGUSR1, &on_parent_death, nullptr);
  ::prctl(PR_SET_PDEATHSIG, SIGUSR1);
  if (::getppid() != alwann) kill_own_group(0);  // alwann died before prctl
  const pid_t tool = ::fork();
  if (tool == 0) {
    ::dup2(out_fd, 1);
    ::dup2(out_fd, 2);
    ::execvp(argv[0], argv);
    if (::write(2, exec_failed.data(), exec_failed.size()) < 0) ::_exit(127);
    ::_exit(127);  // as the shell reports a missing command
  }
  ::close(out_fd);
  int status = 0;
  while (tool > 0 && ::waitpid(tool, &status, 0) < 0 && errno == EINTR) {
  }
  ::_exit(tool < 0 ? 127 : WIFEXITED(status) ? WEXITSTATUS(status) : 128);
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv) {
  // Everything the forked processes need is made before fork (no allocation after it).
  std::vector<std::string> args = argv;
  std::vector<char*> cargv;
  for (auto& a : args) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  const std::string exec_failed = argv.front() + ": not found or not executable\n";
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw Error("cannot run " + argv.front() + ": " + std::strerror(errno));
  const pid_t alwann = ::getpid();
  const pid_t guard = ::fork();
  if (guard < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw Error("cannot run " + argv.front() + ": " + std::strerror(errno));
  }
  if (guard == 0) run_guard(cargv.data(), fds[1], alwann, exec_failed);
  ::close(fds[1]);
  ProcessResult r;
  std::array<char, 4096> buf;
  for (;;) {
    const ssize_t n = ::read(fds[0], buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    r.output.append(buf.data(), static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(guard, &status, 0) < 0 && errno == EINTR) {
  }
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
