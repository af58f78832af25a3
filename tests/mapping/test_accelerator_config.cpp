#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "TestHelpers.hpp"
#include "mapping/AcceleratorConfig.hpp"
#include "rtl/TechModel.hpp"

using namespace alwann;
using mapping::AcceleratorConfig;

namespace {
std::string tile_yaml(const std::string& tiles_line, const std::string& extra = "") {
  return "style: tile_array\n" + test::tech_line() + "tile_array:\n" + tiles_line + "  rows: 16\n  cols: 16\n" + extra;
}
void fails_with(const std::string& name, const std::string& yaml, const std::string& needle) {
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
  // Defaults from the technology file's SRAM model (256 KiB in 16 banks).
  CHECK(a4.global_buffer.energy_pj_per_byte > 2.5);
  CHECK(a4.global_buffer.energy_pj_per_byte < 12.5);
  CHECK(a4.dram.energy_pj_per_byte == Approx(64));
  const auto p3 = AcceleratorConfig::load(test::source_path("configs/accelerators/pipelined_3.yaml"));
  CHECK(p3.style == mapping::AcceleratorStyle::Pipelined);
  CHECK(p3.units.size() == 3);
  CHECK(p3.units[2].cols == 64);
}

TEST_CASE("invalid accelerator configs are rejected with file, line and key", "[config]") {
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

TEST_CASE("technology figures: the SRAM model reproduces the Accelergy CACTI tables it was fitted to", "[config]") {
  const auto t = mapping::TechnologyFigures::load(test::source_path("configs/tech/generic45.yaml"));
  // reference.md §7: 8 KB in 2 banks 4.24, 100 KB in 25 banks 28.1, 128 KB unbanked 75.2 pJ per 64-bit access.
  CHECK(t.sram_access_pj(8 * 1024, 2, 64) == Approx(4.24).epsilon(0.01));
  CHECK(t.sram_access_pj(100 * 1024, 25, 64) == Approx(28.1).epsilon(0.01));
  CHECK(t.sram_access_pj(128 * 1024, 1, 64) == Approx(75.2).epsilon(0.01));
  // Width scales the access linearly; per byte of full words it does not change.
  CHECK(t.sram_access_pj(64 * 1024, 4, 32) == Approx(t.sram_access_pj(64 * 1024, 4, 64) / 2));
  CHECK(t.sram_pj_per_byte(64 * 1024, 4, 32) == Approx(t.sram_pj_per_byte(64 * 1024, 4, 64)));
  // Larger memories cost more per access; banking a large one helps.
  CHECK(t.sram_access_pj(256 * 1024, 16, 64) > t.sram_access_pj(64 * 1024, 4, 64));
  CHECK(t.sram_access_pj(256 * 1024, 16, 64) < t.sram_access_pj(256 * 1024, 1, 64));
  // The shipped 256 KiB global buffer (16 banks) lands in the CACTI-based 3-9.4 pJ/B range (issue 10).
  const auto acc = mapping::AcceleratorConfig::load(test::source_path("configs/accelerators/tile_array_4x16.yaml"));
  CHECK(acc.global_buffer.energy_pj_per_byte == Approx(t.sram_pj_per_byte(256 * 1024, 16, 64)));
  CHECK(acc.global_buffer.energy_pj_per_byte > 3.0);
  CHECK(acc.global_buffer.energy_pj_per_byte < 9.4);
}

TEST_CASE("config files: duplicate keys, directories and bad technology files are rejected", "[config]") {
  fails_with("dup_key.yaml", tile_yaml("  tiles: 2\n", "global_buffer:\n  size_kib: 64\n  size_kib: 128\n"),
             "duplicate key 'size_kib' (first given on line");
  fails_with("dup_top.yaml", tile_yaml("  tiles: 2\n", "clock_mhz: 100\nclock_mhz: 200\n"), "duplicate key 'clock_mhz'");
  REQUIRE_THROWS_WITH(mapping::AcceleratorConfig::load(test::source_path("configs")),
                      Catch::Contains("configs: is a directory"));
  std::ifstream tech_in(test::source_path("configs/tech/generic45.yaml"));
  const std::string tech((std::istreambuf_iterator<char>(tech_in)), std::istreambuf_iterator<char>());
  auto tech_without = [&](const std::string& section) {
    std::string out, line;
    std::istringstream in(tech);
    bool skip = false;
    while (std::getline(in, line)) {
      if (!line.empty() && line[0] != ' ' && line[0] != '#') skip = line.rfind(section + ":", 0) == 0;
      if (!skip) out += line + "\n";
    }
    return out;
  };
  const std::string no_gates = test::write_temp("tech_no_gates.yaml", tech_without("gates"));
  fails_with("uses_no_gates.yaml", "style: tile_array\ntechnology: " + no_gates + "\ntile_array:\n  tiles: 1\n",
             "missing section 'gates'");
  std::string zero = tech;
  zero.replace(zero.find("calibration_scale: 0.5785"), 25, "calibration_scale: 0");
  const std::string zero_path = test::write_temp("tech_zero_scale.yaml", zero);
  fails_with("uses_zero_scale.yaml", "style: tile_array\ntechnology: " + zero_path + "\ntile_array:\n  tiles: 1\n",
             "gates.calibration_scale: must be > 0 (got 0)");
  REQUIRE_THROWS_WITH(rtl::TechModel::load(zero_path), Catch::Contains("calibration_scale' must be > 0"));
}
