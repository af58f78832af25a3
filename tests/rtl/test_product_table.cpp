// Product tables: the tf-approximate .bin format and its round trip.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "common/ContentHash.hpp"
#include "rtl/MultiplierLibrary.hpp"
#include "rtl/TechModel.hpp"
#include "tests/rtl/TestSupport.hpp"

using namespace alwann;
using namespace alwann::rtl;

TEST_CASE("product tables export to the tf-approximate layout and import back") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "alwann-test-tables";
  fs::create_directories(dir);
  for (const char* name : {"mul8u_bamh2v8", "mul8s_trunc8"}) {
    const auto t = MultiplierLibrary::instance().table(name);
    const std::string path = (dir / (std::string(name) + ".bin")).string();
    t->save_bin(path);
    const std::string bytes = read_file(path);
    REQUIRE(bytes.size() == 131072);
    // Entry [x*256 + w] (x = activation = port B, w = weight = port A), little endian.
    const int w = 200, x = 3;
    const std::uint16_t v = static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[2 * (x * 256 + w)]) |
                                                       static_cast<unsigned char>(bytes[2 * (x * 256 + w) + 1]) << 8);
    CHECK(v == t->raw(w, x));
    const ProductTable back = ProductTable::load_bin(path, name, t->is_signed());
    CHECK(back == *t);
  }
  const std::string bad = (dir / "short.bin").string();
  { std::ofstream(bad) << "not a table"; }
  CHECK(test::error_of([&] { ProductTable::load_bin(bad, "x", false); }).find("must be 131072 bytes") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("technology files are validated with file and line") {
  namespace fs = std::filesystem;
  const fs::path p = fs::temp_directory_path() / "alwann-test-tech.yaml";
  { std::ofstream(p) << "gates:\n  load_fj_per_input: 0.8\n  calibration_scale: [1, 2\n"; }
  CHECK(test::error_of([&] { TechModel::load(p.string()); }).find("alwann-test-tech.yaml:") != std::string::npos);
  { std::ofstream(p) << "gates:\n  load_fj_per_input: -1\n  calibration_scale: 1\n  cells: {}\n"; }
  CHECK(test::error_of([&] { TechModel::load(p.string()); }).find(":2: 'gates.load_fj_per_input' must not be negative") != std::string::npos);
  CHECK(test::error_of([] { TechModel::load("/nonexistent/tech.yaml"); }) == "/nonexistent/tech.yaml: technology file not found");
  fs::remove(p);
}
