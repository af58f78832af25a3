// `alwann optimize` as a user runs it: a small search whose front mapping
// files `alwann simulate` reproduces exactly, and every bad input refused
// with one line, exit 1 and no output folder.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "CliSupport.hpp"

using alwann::test::run_alwann;
using alwann::test::source_path;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
  const fs::path p = fs::temp_directory_path() / ("alwann-optimize-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(p);
  return p;
}

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

std::string base_args(bool images = true) {
  return "optimize --model " + source_path("models/resnet8.onnx") + " --accelerator " +
         source_path("configs/accelerators/tile_array_2x16.yaml") +
         " --multipliers mul8u_exact,mul8u_vct5,mul8u_vct7,mul8u_trunc8" + (images ? " --images 64 --test-images 64" : "");
}

void check_refused(const std::string& args, const std::string& message, const fs::path& out) {
  const bool own_images = args.find("--images") != std::string::npos;
  const auto r = run_alwann(base_args(!own_images) + " " + args + " --out " + out.string());
  INFO(args << "\n" << r.err);
  CHECK(r.status == 1);
  CHECK(r.err.rfind("alwann: error: ", 0) == 0);
  CHECK(r.err.find(message) != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK_FALSE(fs::exists(out));
}

}  // namespace

TEST_CASE("optimize: outputs and simulate reproduces every front point exactly", "[cli][optimizer]") {
  const fs::path out = scratch("run");
  const auto r = run_alwann(base_args() + " --population 8 --generations 2 --seed 3 --out " + out.string());
  INFO(r.err);
  REQUIRE(r.status == 0);
  for (const char* f : {"front.csv", "front.json", "summary.json", "history.csv", "front.png", "front.svg", "checkpoint.json"})
    CHECK(fs::is_regular_file(out / f));
  CHECK(r.out.find("layer-wise saving") != std::string::npos);
  const auto front = read_json(out / "front.json");
  const auto summary = read_json(out / "summary.json");
  REQUIRE(front["front"].size() >= 1);
  CHECK(summary["thresholds"].size() == 4);
  CHECK(summary["exact"]["accuracy_test"].is_number());
  for (const auto& p : front["front"]) {
    for (const char* k : {"accuracy_validation", "accuracy_test", "energy_multiply_pj", "energy_total_pj", "cycles",
                          "multipliers", "layers", "mapping"})
      CHECK(p.contains(k));
    const fs::path json = out / "sim.json";
    const auto s = run_alwann("simulate --model " + source_path("models/resnet8.onnx") + " --mapping " +
                              p["mapping"].get<std::string>() + " --images 64 --json " + json.string());
    INFO(s.err);
    REQUIRE(s.status == 0);
    const auto sim = read_json(json);
    CHECK(sim["multiply_energy_pj"].get<double>() == p["energy_multiply_pj"].get<double>());
    CHECK(sim["energy_pj"].get<double>() == p["energy_total_pj"].get<double>());
    CHECK(sim["cycles_all_images"].get<std::int64_t>() == p["cycles"].get<std::int64_t>());
    CHECK(sim["accuracy"].get<double>() == p["accuracy_test"].get<double>());
  }
  // The history: generation 0 (uniform + random) then two generations.
  std::ifstream h(out / "history.csv");
  std::string line;
  int rows = 0;
  while (std::getline(h, line)) ++rows;
  CHECK(rows == 4);

  // --resume on a different problem is refused, naming what differs.
  const auto r2 = run_alwann(base_args() + " --population 8 --generations 3 --seed 4 --resume " + out.string());
  CHECK(r2.status == 1);
  CHECK(r2.err.find("seed differs") != std::string::npos);
  // An existing non-empty --out is refused.
  const auto r3 = run_alwann(base_args() + " --population 8 --generations 1 --out " + out.string());
  CHECK(r3.status == 1);
  CHECK(r3.err.find("use --resume") != std::string::npos);
  // --resume with more generations continues the same search.
  const auto r4 = run_alwann(base_args() + " --population 8 --generations 3 --seed 3 --resume " + out.string());
  INFO(r4.err);
  CHECK(r4.status == 0);
  CHECK(r4.err.find("generation 3/3") != std::string::npos);
  CHECK(r4.err.find("generation 1/") == std::string::npos);
  fs::remove_all(out);
}

TEST_CASE("optimize: bad input gets one line and exit 1 and no output folder", "[cli][optimizer]") {
  const fs::path out = scratch("bad");
  check_refused("--population 10", "multiple of 4", out);
  check_refused("--population 4", "at least 8", out);
  check_refused("--generations 0", "--generations 0", out);
  check_refused("--images 0", "--images 0", out);
  check_refused("--threads 0", "--threads must be between 1 and", out);
  check_refused("--max-loss -1", "--max-loss", out);
  check_refused("--scheme int8-symmetric", "'mul8u_exact' is unsigned", out);
  check_refused("--energy library-power", "has no published power figure", out);
  const auto r = run_alwann("optimize --model " + source_path("models/resnet8.onnx") + " --accelerator " +
                            source_path("configs/accelerators/tile_array_2x16.yaml") + " --multipliers mul8u_nonesuch --out " +
                            out.string());
  CHECK(r.status == 1);
  CHECK(r.err.find("unknown multiplier 'mul8u_nonesuch'") != std::string::npos);
  CHECK_FALSE(fs::exists(out));
  const auto r2 = run_alwann(base_args() + " --resume " + out.string());
  CHECK(r2.status == 1);
  CHECK(r2.err.find("no checkpoint.json") != std::string::npos);
}
