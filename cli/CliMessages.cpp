#include "cli/CliMessages.hpp"

#include <algorithm>

namespace alwann::cli {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string unknown_command_message(const std::string& word, const std::vector<std::string>& commands) {
  std::string best;
  std::size_t best_distance = std::string::npos;
  for (const auto& c : commands) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_distance) best_distance = d, best = c;
  }
  std::string msg = "unknown command '" + word + "'";
  if (!best.empty() && best_distance <= 2 && best_distance * 3 <= std::max(word.size(), best.size()))
    msg += " (did you mean '" + best + "'?)";
  return msg + "; run 'alwann --help' for the list";
}

std::string parse_error_message(const CLI::ParseError& e, const std::string& command) {
  std::string msg = e.what();
  // CLI11 words a failed check "--opt: <check's message>"; ours read "must ...".
  const auto colon = msg.find(": must ");
  if (colon != std::string::npos && msg.rfind("-", 0) == 0) msg.erase(colon, 1);
  std::replace(msg.begin(), msg.end(), '\n', ' ');
  while (!msg.empty() && msg.back() == ' ') msg.pop_back();
  return command.empty() ? msg : command + ": " + msg;
}

std::string internal_error_message(const std::string& what) {
  return "internal error: " + what +
         " (this is a bug in alwann: please report it with the command line and input files that caused it)";
}

std::string environment_help() {
  return "Environment:\n"
         "  ALWANN_CACHE_DIR   cache folder for compiled models and tables (default: $XDG_CACHE_HOME/alwann,\n"
         "                     else $HOME/.cache/alwann)\n"
         "  XDG_CACHE_HOME     see ALWANN_CACHE_DIR\n"
         "  HOME               see ALWANN_CACHE_DIR\n"
         "  ALWANN_TECH_FILE   technology file for characterize (default: configs/tech/generic45.yaml)\n"
         "  ALWANN_CELLS_FILE  Verilog cell library for imported netlists (default: the built-in cells)\n"
         "  ALWANN_VERILATOR   verilator executable (default: verilator on PATH)\n"
         "  CXX                C++ compiler for Verilator models (default: the one alwann was built with)\n"
         "  ALWANN_KERNEL      approximate GEMM kernel: portable or avx512 (default: avx512 where the CPU has it)\n"
         "  TMPDIR             temporary files; also the cache when neither variable above nor HOME is set\n"
         "  OMPI_COMM_WORLD_SIZE, PMIX_RANK, PMI_RANK  set by mpirun: optimize then runs distributed\n"
         "  ALWANN_TEST_FAIL_CANDIDATE  test hook only: makes a distributed optimize candidate fail\n"
         "  ALWANN_TEST_INTERNAL_ERROR  test hook only: the named command fails as a bug would (exit 2)\n"
         "Exit status: 0 success, 1 bad input or failed run, 2 internal error (a bug),\n"
         "  3 characterize: some multipliers failed, the others were written.\n";
}

}  // namespace alwann::cli
