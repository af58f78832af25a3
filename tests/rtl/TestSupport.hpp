#pragma once
// Shared helpers of the rtl tests.
#include <string>

#include "rtl/TechModel.hpp"

namespace alwann::test {

inline std::string fixture(const std::string& name) {
  return std::string(ALWANN_TEST_DATA_DIR) + "/fixtures/rtl/" + name;
}

inline std::shared_ptr<const rtl::TechModel> default_tech() {
  static auto tech = std::make_shared<const rtl::TechModel>(rtl::TechModel::load(rtl::TechModel::default_path()));
  return tech;
}

// Runs `f` and returns the alwann::Error message it throws ("" if none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace alwann::test
