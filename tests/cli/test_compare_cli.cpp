// `alwann compare`: the CSV and the energy chart (gnuplot: SVG or PNG by the
// file name), all or nothing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "CliSupport.hpp"

using alwann::test::run_alwann;
using alwann::test::slurp;
using alwann::test::source_path;
namespace fs = std::filesystem;


TEST_CASE("compare: CSV and a gnuplot chart in the format the file name asks for", "[cli]") {
  const fs::path dir = fs::temp_directory_path() / ("alwann-compare-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string pairs = source_path("configs/mappings/resnet8_tile_array_2x16_exact.yaml") + " " +
                            source_path("configs/mappings/resnet8_tile_array_2x16_mixed.yaml");
  for (const char* chart : {"chart.svg", "chart.png"}) {
    const auto r = run_alwann("compare --model " + source_path("models/resnet8.onnx") + " " + pairs + " --csv " +
                              (dir / "c.csv").string() + " --chart " + (dir / chart).string());
    INFO(r.err);
    REQUIRE(r.status == 0);
    const std::string c = slurp(dir / chart);
    if (std::string(chart).find(".png") != std::string::npos)
      CHECK(c.rfind("\x89PNG", 0) == 0);
    else
      CHECK(c.find("<svg") != std::string::npos);
    CHECK(slurp(dir / "c.csv").find("resnet8_tile_array_2x16_mixed") != std::string::npos);
  }
  // Full precision (issue 11 §2: energies were rounded to 6 significant digits):
  // the second row's total energy, a sum of many fractional figures, keeps more.
  std::istringstream csv(slurp(dir / "c.csv"));
  std::string header, first, second;
  std::getline(csv, header);
  std::getline(csv, first);
  std::getline(csv, second);
  std::string energy = second;
  for (int i = 0; i < 3; ++i) energy = energy.substr(energy.find(',') + 1);
  energy = energy.substr(0, energy.find(','));
  INFO(second);
  CHECK(std::count_if(energy.begin(), energy.end(), [](char c) { return c >= '0' && c <= '9'; }) > 7);
  fs::remove_all(dir);
}
