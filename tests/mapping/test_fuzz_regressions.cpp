// Inputs the fuzz targets (tests/fuzz) turned up: each once crashed a loader
// with an exception other than alwann::Error; now each is a one-line error
// naming the file and line. The inputs live in tests/fuzz/regressions/.
#include <catch2/catch.hpp>

#include "TestHelpers.hpp"
#include "mapping/MappingConfig.hpp"
#include "mapping/TechnologyFigures.hpp"

using namespace alwann;
using namespace alwann::mapping;

namespace {
std::string regression(const std::string& name) { return test::source_path("tests/fuzz/regressions/" + name); }

template <class F>
std::string error_of(F&& load) {
  try {
    load();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("a list where a mapping expects a multiplier name is a YAML error with its line", "[mapping][fuzz]") {
  const std::string path = regression("mapping_yaml/multiplier_is_a_list.yaml");
  CHECK(error_of([&] { MappingConfig::load(path); }) == path + ":2: expected a single value here, not a list or map");
  const std::string key = regression("mapping_yaml/unit_key_is_a_list.yaml");
  CHECK(error_of([&] { MappingConfig::load(key); }) == key + ":2: expected a single value here, not a list or map");
}

TEST_CASE("a list as a key of an accelerator or technology file is a YAML error with its line", "[mapping][fuzz]") {
  const std::string acc = regression("accelerator_yaml/key_is_a_list.yaml");
  CHECK(error_of([&] { AcceleratorConfig::load(acc); }) == acc + ":1: expected a single value here, not a list or map");
  const std::string tech = test::write_temp("fuzz_tech_key.yaml", "gates:\n  [x]: 1\n");
  CHECK(error_of([&] { TechnologyFigures::load(tech); }) == tech + ":2: expected a single value here, not a list or map");
}

TEST_CASE("a referenced file whose name is longer than the system allows is an error naming the line, not a crash",
          "[mapping][fuzz]") {
  // std::filesystem::exists throws "File name too long" for such a path.
  const std::string m = regression("mapping_yaml/accelerator_name_too_long.yaml");
  const std::string merr = error_of([&] { MappingConfig::load(m); });
  CHECK(merr.rfind(m + ":2: ", 0) == 0);
  CHECK(merr.find("not found") != std::string::npos);
  const std::string acc = regression("accelerator_yaml/technology_name_too_long.yaml");
  const std::string aerr = error_of([&] { AcceleratorConfig::load(acc); });
  CHECK(aerr.rfind(acc + ":3: technology: ", 0) == 0);
  CHECK(aerr.find("cannot read") != std::string::npos);
}

TEST_CASE("a global buffer too large for a 64-bit byte count is a range error with its line", "[mapping][fuzz]") {
  // Found by fuzz_accelerator_yaml: UBSan, 2.6e42 bytes cast to int64.
  const std::string acc = regression("accelerator_yaml/global_buffer_beyond_int64.yaml");
  const std::string err = error_of([&] { AcceleratorConfig::load(acc); });
  CHECK(err.rfind(acc + ":9: ", 0) == 0);
  CHECK(err.find("size_kib") != std::string::npos);
}
