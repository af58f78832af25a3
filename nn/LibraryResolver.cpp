// The one place nn reaches the multiplier library (kept apart so that the
// rest of nn builds and tests with tables made in memory).
#include "nn/MultiplierAssignment.hpp"
#include "rtl/MultiplierLibrary.hpp"

namespace alwann::nn {

TableResolver library_resolver() {
  return [](const std::string& name) -> rtl::ProductTablePtr {
    if (name == "exact") return nullptr;
    return rtl::MultiplierLibrary::instance().table(name);  // throws "unknown multiplier ..."
  };
}

}  // namespace alwann::nn
