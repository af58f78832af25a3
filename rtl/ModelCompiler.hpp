#pragma once
// Builds Verilated C++ models of user Verilog into one shared object per
// batch and loads it, without rebuilding alwann. The Verilator runtime is
// compiled once and cached; each model's objects are cached by content hash,
// so a second import of the same files only loads the cached .so.
#include <functional>
#include <string>
#include <vector>

#include "rtl/MultiplierModel.hpp"

namespace alwann::rtl {

struct ModelSource {
  std::string path, top_module;
  std::vector<std::string> libraries;
  std::string content_hash;  // of the file, its libraries and the toolchain
};

// One factory per source, in order. Throws alwann::Error naming the file on
// a Verilator or compiler failure. Progress lines go to stderr.
std::vector<std::function<MultiplierModelPtr()>> compile_models(const std::vector<ModelSource>& sources);

}  // namespace alwann::rtl
