#pragma once
// Builds Verilated C++ models of user Verilog into shared objects and loads
// them (ModelLoader), without rebuilding alwann. The Verilator runtime is
// compiled once and cached; each model's objects are cached by content hash,
// so a second import of the same files only loads the cached .so.
#include <cstddef>
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
// stop the others. Throws only for what sinks the batch (the runtime, the
// cache folder). Progress lines go to stderr.
//
// Models are compiled several per translation unit and each group is linked
// and loaded on its own, so `on_ready(i, result)` is called for source i as
// soon as its group is loaded (or as soon as it failed), while later groups
// still compile: a caller checks circuits early and overlaps that work with
// the compiler. It runs on worker threads, possibly several at once, each
// index once.
struct CompiledModel {
  std::function<MultiplierModelPtr()> factory;  // empty when failed
  std::string error;
};
using ModelReady = std::function<void(std::size_t index, const CompiledModel& result)>;
std::vector<CompiledModel> compile_models(const std::vector<ModelSource>& sources, const ModelReady& on_ready = {});

}  // namespace alwann::rtl
