#include <catch2/catch.hpp>

#include <filesystem>

#include "TestHelpers.hpp"
#include "mapping/AcceleratorConfig.hpp"

using namespace alwann;
using mapping::AcceleratorConfig;

namespace {
std::string tile_yaml(const std::string& tiles_line, const std::string& extra = "") {
  return "style: tile_array\n" + test::tech_line() + "tile_array:\n" + tiles_line + "  rows: 16\n  cols: 16\n" + extra;
}
}  // namespace

TEST_CASE("shipped accelerator configs load and validate", "[config]") {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(test::source_path("configs/accelerators"))) {
    const auto a = AcceleratorConfig::load(e.path().string());
    CHECK(!a.units.empty());
    CHECK(a.clock_hz > 0);
    CHECK(a.global_buffer.energy_pj_per_byte > 0);
    ++n;
  }
  CHECK(n >= 6);
  const auto a4 = AcceleratorConfig::load(test::source_path("configs/accelerators/tile_array_4x16.yaml"));
  CHECK(a4.units.size() == 4);
  CHECK(a4.units[3].name == "tile3");
  CHECK(a4.units[0].rows == 16);
  CHECK(a4.weight_buffering == mapping::WeightBuffering::Double);
  // Defaults from the technology file: 256 KiB SRAM interpolated between 32 KB and 1 MB figures.
  CHECK(a4.global_buffer.energy_pj_per_byte > 2.5);
  CHECK(a4.global_buffer.energy_pj_per_byte < 12.5);
  CHECK(a4.dram.energy_pj_per_byte == Approx(64));
  const auto p3 = AcceleratorConfig::load(test::source_path("configs/accelerators/pipelined_3.yaml"));
  CHECK(p3.style == mapping::AcceleratorStyle::Pipelined);
  CHECK(p3.units.size() == 3);
  CHECK(p3.units[2].cols == 64);
}

TEST_CASE("invalid accelerator configs are rejected with file, line and key", "[config]") {
  auto fails_with = [](const std::string& name, const std::string& yaml, const std::string& needle) {
    const std::string path = test::write_temp(name, yaml);
    try {
      AcceleratorConfig::load(path);
      FAIL("accepted: " << yaml);
    } catch (const Error& e) {
      const std::string msg = e.what();
      INFO(msg);
      CHECK(msg.find(path) == 0);
      CHECK(msg.find(needle) != std::string::npos);
    }
  };
  fails_with("tiles3.yaml", tile_yaml("  tiles: 3\n"), ":4: tile_array.tiles: must be a power of two (got 3)");
  fails_with("unknown_key.yaml", tile_yaml("  tiles: 2\n  tilez: 4\n"), "unknown key 'tilez' in section 'tile_array'");
  fails_with("bad_style.yaml", "style: systolic\n" + test::tech_line(), "style: must be one of tile_array|pipelined");
  fails_with("no_tiles.yaml", "style: tile_array\n" + test::tech_line() + "tile_array:\n  rows: 16\n",
             "missing required key 'tiles'");
  fails_with("neg_bw.yaml", tile_yaml("  tiles: 2\n", "dram:\n  bytes_per_cycle: -1\n"), "dram.bytes_per_cycle: must be >=");
  fails_with("bad_num.yaml", tile_yaml("  tiles: 2\n", "global_buffer:\n  size_kib: lots\n"),
             "global_buffer.size_kib: expected a number");
  fails_with("wrong_section.yaml", tile_yaml("  tiles: 2\n", "pipelined:\n  units: []\n"),
             "section 'pipelined' given but style is tile_array");
  fails_with("no_tech.yaml", "style: tile_array\ntechnology: /nonexistent/tech.yaml\ntile_array:\n  tiles: 1\n",
             "technology: cannot use technology file");
  fails_with("dup_unit.yaml",
             "style: pipelined\n" + test::tech_line() +
                 "pipelined:\n  units:\n    - {name: a, rows: 16, cols: 16}\n    - {name: a, rows: 8, cols: 8}\n",
             "duplicate unit name 'a'");
  fails_with("rows12.yaml",
             "style: pipelined\n" + test::tech_line() + "pipelined:\n  units:\n    - {name: a, rows: 12, cols: 16}\n",
             "rows: must be a power of two (got 12)");
  fails_with("syntax.yaml", "style: [tile_array\n", "YAML syntax error");
}

TEST_CASE("technology figures: SRAM energy interpolates by capacity", "[config]") {
  const auto t = mapping::TechnologyFigures::load(test::source_path("configs/tech/generic45.yaml"));
  CHECK(t.sram_pj_per_byte(8 * 1024) == Approx(1.25));
  CHECK(t.sram_pj_per_byte(32 * 1024) == Approx(2.5));
  CHECK(t.sram_pj_per_byte(1024 * 1024) == Approx(12.5));
  CHECK(t.sram_pj_per_byte(16 * 1024) == Approx((1.25 + 2.5) / 2));
  CHECK(t.sram_pj_per_byte(1024) == Approx(1.25));
}
