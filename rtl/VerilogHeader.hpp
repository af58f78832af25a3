#pragma once
// Reads the metric comments of an EvoApprox-style Verilog header
// (reference §3), e.g. "// PDK45_PWR = 0.302 mW".
#include <string>

#include "rtl/MultiplierLibrary.hpp"

namespace alwann::rtl {

LibraryFigures read_library_figures(const std::string& verilog_text);

// True when the text declares `module <name>`.
bool declares_module(const std::string& verilog_text, const std::string& name);

}  // namespace alwann::rtl
