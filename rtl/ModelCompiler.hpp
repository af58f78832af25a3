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

// How a model is built (Verilator options that change its behaviour). Part of
// every content hash, so models built by an older recipe are never reused.
extern const char* const kModelRecipe;

// One result per source, in order: a factory, or the reason it failed
// (Verilator or compiler error naming the file). A failed source does not
// stop the others. Throws only for what sinks the batch (runtime, link).
// Progress lines go to stderr.
struct CompiledModel {
  std::function<MultiplierModelPtr()> factory;  // empty when failed
  std::string error;
};
std::vector<CompiledModel> compile_models(const std::vector<ModelSource>& sources);

}  // namespace alwann::rtl
