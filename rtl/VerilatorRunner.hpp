#pragma once
// Runs external tools (verilator, the C++ compiler) and turns a failure into
// one alwann::Error line naming the user's file and the tool's first error.
#include <string>
#include <vector>

namespace alwann::rtl {

struct ProcessResult {
  int status = 0;
  std::string output;  // stdout and stderr together
};

ProcessResult run_process(const std::vector<std::string>& argv);

// Runs verilator with `args`; on failure throws "<file>: Verilator: <first %Error line>".
void run_verilator_or_throw(const std::vector<std::string>& args, const std::string& file_for_errors);

std::string verilator_executable();   // $ALWANN_VERILATOR or "verilator"
std::string verilator_include_dir();  // from `verilator --getenv VERILATOR_ROOT`

}  // namespace alwann::rtl
