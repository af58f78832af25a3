#pragma once
// The built-in multipliers, verilated at build time (see rtl/CMakeLists.txt).
#include <string>
#include <vector>

#include "rtl/MultiplierModel.hpp"

namespace alwann::rtl {

struct BuiltinModel {
  const char* name;
  const char* verilog_path;  // the source file in this checkout
  MultiplierModelPtr (*make)();
};

const std::vector<BuiltinModel>& builtin_models();

}  // namespace alwann::rtl
