// The one YAML reader every config file goes through (issue 10 §5).
#include <catch2/catch.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/Error.hpp"
#include "common/YamlFile.hpp"

namespace fs = std::filesystem;

TEST_CASE("yaml file: duplicate keys name both lines, at any depth", "[common][yaml]") {
  const fs::path p = fs::temp_directory_path() / ("alwann-dup-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(p) << "a: 1\nb:\n  c: 2\n  d: 3\n  c: 4\n";
  CHECK_THROWS_WITH(alwann::load_yaml_file(p.string()),
                    Catch::Contains(p.string() + ":5: duplicate key 'c' (first given on line 3)"));
  std::ofstream(p) << "a: 1\nb: [1, 2]\n";
  CHECK(alwann::load_yaml_file(p.string())["a"].as<int>() == 1);
  fs::remove(p);
  CHECK_THROWS_WITH(alwann::load_yaml_file(fs::temp_directory_path().string()), Catch::Contains("is a directory"));
}
