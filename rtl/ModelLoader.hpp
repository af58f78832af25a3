#pragma once
// Links compiled model objects into one shared object and loads it. The
// Verilator runtime is compiled and linked once per installation into its own
// shared library in the cache, which every model object links against, so a
// batch of models needs one small link instead of linking the runtime again.
#include <functional>
#include <string>
#include <vector>

#include "rtl/MultiplierModel.hpp"

namespace alwann::rtl {

using LoadedModelFactory = std::function<MultiplierModelPtr()>;

// The shared object `key` (cache/batches/<key>.so; linked from `objects` when
// absent) is loaded and each symbol prefix's model resolved, in order.
// Throws alwann::Error naming the shared object when linking or loading fails
// (a damaged cached .so is linked again once before that).
std::vector<LoadedModelFactory> load_models(const std::vector<std::string>& objects,
                                            const std::vector<std::string>& prefixes, const std::string& key);

}  // namespace alwann::rtl
