// Multiplier libraries as a user runs them (issue 8): a mapping with
// `library:` reproduces with no extra flag, simulate and evaluate agree, the
// exported table is the one the import computed, a broken circuit is skipped
// (exit 3) unless --strict, and outputs are all-or-nothing.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/cli/CliSupport.hpp"

namespace fs = std::filesystem;
using alwann::test::run_alwann;
using alwann::test::slurp;
using alwann::test::source_path;

namespace {

nlohmann::json json_of(const fs::path& p) { return nlohmann::json::parse(slurp(p)); }

// The library fixture copied beside a mapping, so `library:` is relative.
fs::path library_workspace(const std::string& tag) {
  const fs::path dir = fs::temp_directory_path() / ("alwann-lib-" + tag + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy(source_path("tests/fixtures/rtl/library"), dir / "lib", fs::copy_options::recursive);
  return dir;
}

}  // namespace

TEST_CASE("a mapping with library: simulates with no extra flag, and evaluate gives the same accuracy") {
  const fs::path dir = library_workspace("mapping");
  std::ofstream(dir / "m.yaml") << "accelerator: " << source_path("configs/accelerators/tile_array_1x16.yaml")
                                << "\nmultipliers: [mul8u_lowor]\nlibrary: [lib/lib.yaml]\n";
  const std::string model = source_path("models/resnet8.onnx");
  const auto sim = run_alwann("simulate --model " + model + " --mapping " + (dir / "m.yaml").string() +
                              " --images 40 --json " + (dir / "sim.json").string());
  INFO(sim.err);
  REQUIRE(sim.status == 0);
  const auto ev = run_alwann("evaluate --model " + model + " --library " + (dir / "lib/lib.yaml").string() +
                             " --multipliers mul8u_lowor --tune alwann --images 40 --skip-float --json " +
                             (dir / "ev.json").string());
  INFO(ev.err);
  REQUIRE(ev.status == 0);
  const auto s = json_of(dir / "sim.json"), e = json_of(dir / "ev.json");
  INFO(s.dump().substr(0, 400));
  REQUIRE(s.contains("accuracy"));
  CHECK(s["accuracy"].get<double>() == Approx(e["accuracy_approx"].get<double>()));
  CHECK(e["accuracy_approx"].get<double>() < e["accuracy_exact"].get<double>() + 1e-9);

  // The table characterize exports is the one the run used: evaluating the
  // exported .bin (given straight to --multipliers, never read as YAML) gives the same accuracy.
  const auto ch = run_alwann("characterize --library " + (dir / "lib/lib.yaml").string() + " --random-ops 2000 --out " +
                             (dir / "char").string() + " --export-tables " + (dir / "tables").string());
  INFO(ch.err);
  REQUIRE(ch.status == 0);
  const auto doc = json_of(dir / "char/characterization.json");
  CHECK(doc["errors"].empty());
  REQUIRE(doc["multipliers"].size() == 2);
  CHECK(doc["multipliers"][1]["name"] == "mul8u_tabtrunc");
  CHECK(doc["multipliers"][1]["energy_uniform_fj"].is_null());
  // A table-only multiplier round-trips byte for byte.
  CHECK(slurp(dir / "tables/mul8u_tabtrunc.bin") == slurp(dir / "lib/tables/mul8u_tabtrunc.bin"));
  const auto bin = run_alwann("evaluate --model " + model + " --multipliers " + (dir / "tables/mul8u_lowor.bin").string() +
                              " --tune alwann --images 40 --skip-float --json " + (dir / "bin.json").string());
  INFO(bin.err);
  REQUIRE(bin.status == 0);
  CHECK(json_of(dir / "bin.json")["accuracy_approx"].get<double>() == Approx(e["accuracy_approx"].get<double>()));
  fs::remove_all(dir);
}

TEST_CASE("a table-only multiplier is priced by its library power, and refused without one") {
  const fs::path dir = library_workspace("table");
  std::ofstream(dir / "t.yaml") << "accelerator: " << source_path("configs/accelerators/tile_array_1x16.yaml")
                                << "\nmultipliers: [mul8u_tabtrunc]\nlibrary: lib/lib.yaml\n";
  const std::string model = source_path("models/resnet8.onnx");
  const auto priced = run_alwann("simulate --model " + model + " --mapping " + (dir / "t.yaml").string() +
                                 " --images 0 --json " + (dir / "t.json").string());
  INFO(priced.err);
  REQUIRE(priced.status == 0);
  std::ofstream(dir / "nopower.yaml") << "multipliers:\n  - table: lib/tables/mul8u_tabtrunc.bin\n    signed: false\n";
  std::ofstream(dir / "n.yaml") << "accelerator: " << source_path("configs/accelerators/tile_array_1x16.yaml")
                                << "\nmultipliers: [mul8u_tabtrunc]\nlibrary: [nopower.yaml]\n";
  const auto refused = run_alwann("simulate --model " + model + " --mapping " + (dir / "n.yaml").string() + " --images 0");
  CHECK(refused.status == 1);
  CHECK(refused.err.find("alwann: error: ") == 0);
  CHECK(refused.err.find("'mul8u_tabtrunc' is a product table without a netlist or a library power figure") !=
        std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("characterize skips a broken circuit with exit 3 and an errors entry, and --strict writes nothing") {
  const fs::path dir = library_workspace("batch");
  const std::string inputs = (dir / "lib/muls").string() + " " + (dir / "lib/broken/mul8u_broken.v").string();
  const auto r = run_alwann("characterize --library " + inputs + " --random-ops 2000 --out " + (dir / "out").string());
  CHECK(r.status == 3);
  const auto doc = json_of(dir / "out/characterization.json");
  REQUIRE(doc["multipliers"].size() == 1);
  CHECK(doc["multipliers"][0]["name"] == "mul8u_lowor");
  REQUIRE(doc["errors"].size() == 1);
  CHECK(doc["errors"][0]["file"].get<std::string>().find("mul8u_broken.v") != std::string::npos);
  CHECK(doc["errors"][0]["reason"].get<std::string>().find("syntax error") != std::string::npos);
  CHECK(r.out.find("skipped 1 circuit") != std::string::npos);

  const auto strict = run_alwann("characterize --strict --library " + inputs + " --out " + (dir / "strict").string());
  CHECK(strict.status == 1);
  CHECK(strict.err.find("alwann: error: ") == 0);
  CHECK(strict.err.find("mul8u_broken.v") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "strict"));
  fs::remove_all(dir);
}

TEST_CASE("characterize outputs are all-or-nothing and its limits are checked") {
  const fs::path dir = library_workspace("outputs");
  std::ofstream(dir / "a_file") << "x";
  const auto r = run_alwann("characterize --multipliers mul8u_exact --random-ops 2000 --out " + (dir / "out").string() +
                            " --export-tables " + (dir / "a_file").string());
  CHECK(r.status == 1);
  CHECK(r.err.find("a_file: --export-tables: exists and is not a folder") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "out/characterization.json"));
  CHECK_FALSE(fs::exists(dir / "out/characterization.csv"));
  // A tables folder that cannot be written: the JSON and CSV go too.
  fs::create_directories(dir / "ro");
  fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  const bool root = ::geteuid() == 0;  // root writes anywhere: nothing to check
  if (!root) {
    const auto ro = run_alwann("characterize --multipliers mul8u_exact --random-ops 2000 --out " + (dir / "out").string() +
                               " --export-tables " + (dir / "ro/t").string());
    CHECK(ro.status == 1);
    CHECK_FALSE(fs::exists(dir / "out/characterization.json"));
  }
  fs::permissions(dir / "ro", fs::perms::owner_all);
  for (const char* bad : {"0", "1000000001"}) {
    const auto b = run_alwann(std::string("characterize --multipliers mul8u_exact --random-ops ") + bad + " --out " +
                              (dir / "out").string());
    CHECK(b.status == 1);
    CHECK(b.err.find("--random-ops must be between 1 and 1000000000") != std::string::npos);
  }
  // Temporaries a killed run left in the cache (its pid is gone) are removed by the next import.
  const char* cache = std::getenv("ALWANN_CACHE_DIR");
  fs::path stale;
  if (cache) {
    stale = fs::path(cache) / "models" / "mul8u_x.o.tmp999999999";
    fs::create_directories(stale.parent_path());
    std::ofstream(stale) << "left by kill -9";
  }
  const auto imported = run_alwann("characterize --library " + (dir / "lib/muls").string() + " --random-ops 1000 --out " +
                                   (dir / "imp").string());
  CHECK(imported.status == 0);
  if (cache) CHECK_FALSE(fs::exists(stale));
  const auto dup = run_alwann("characterize --library " + (dir / "lib/muls").string() + " " +
                              (dir / "lib/dup/mul8u_lowor.v").string() + " --out " + (dir / "out").string());
  CHECK(dup.status == 1);
  CHECK(dup.err.find("'mul8u_lowor' is defined twice") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "out/characterization.json"));
  fs::remove_all(dir);
}

TEST_CASE("optimize --library searches the library and its mapping files reproduce with no extra flag") {
  const fs::path dir = library_workspace("optimize");
  const std::string model = source_path("models/resnet8.onnx");
  const auto r = run_alwann("optimize --model " + model + " --accelerator " +
                            source_path("configs/accelerators/tile_array_2x16.yaml") + " --library " +
                            (dir / "lib/lib.yaml").string() + " --images 32 --test-images 32 --population 8" +
                            " --generations 1 --seed 2 --out " + (dir / "front").string());
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto front = json_of(dir / "front/front.json");
  REQUIRE(front["front"].size() >= 1);
  for (const auto& p : front["front"]) {
    const std::string mapping = p["mapping"].get<std::string>();
    const std::string text = slurp(mapping);
    CHECK(text.find("library: [../../lib/lib.yaml]") != std::string::npos);
    for (const auto& m : p["multipliers"]) {
      const std::string name = m.get<std::string>();
      CHECK((name == "mul8u_lowor" || name == "mul8u_tabtrunc" || name.empty()));
    }
    const auto s = run_alwann("simulate --model " + model + " --mapping " + mapping + " --images 32 --json " +
                              (dir / "sim.json").string());
    INFO(s.err);
    REQUIRE(s.status == 0);
    const auto sim = json_of(dir / "sim.json");
    CHECK(sim["accuracy"].get<double>() == p["accuracy_test"].get<double>());
    CHECK(sim["energy_pj"].get<double>() == Approx(p["energy_total_pj"].get<double>()));
  }
  fs::remove_all(dir);
}

TEST_CASE("evaluate --sweep --library sweeps the given library, not the built-in one") {
  const fs::path dir = library_workspace("sweep");
  const auto r = run_alwann("evaluate --model " + source_path("models/resnet8.onnx") + " --library " +
                            (dir / "lib/lib.yaml").string() + " --sweep --images 20 --json " + (dir / "s.json").string());
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto rows = json_of(dir / "s.json")["multipliers"];
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["multiplier"] == "mul8u_lowor");
  CHECK(rows[1]["multiplier"] == "mul8u_tabtrunc");
  CHECK(rows[0]["power_mw"].get<double>() == Approx(0.2));
  fs::remove_all(dir);
}
