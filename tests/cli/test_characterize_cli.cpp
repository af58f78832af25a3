// `alwann characterize` as a user runs it: outputs, field names, errors.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/cli/CliSupport.hpp"

namespace fs = std::filesystem;
using alwann::test::run_alwann;
using alwann::test::source_path;

TEST_CASE("characterize writes JSON and CSV rows with the stable field names, and exports tables") {
  const fs::path out = fs::temp_directory_path() / "alwann-cli-characterize";
  fs::remove_all(out);
  const auto r = run_alwann("characterize --multipliers mul8u_exact,mul8s_trunc4 --random-ops 20000 --out " +
                            out.string() + " --export-tables " + (out / "tables").string());
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("mul8s_trunc4") != std::string::npos);
  std::ifstream in(out / "characterization.json");
  const auto doc = nlohmann::json::parse(in);
  CHECK(doc["errors"].empty());
  const auto& rows = doc["multipliers"];
  REQUIRE(rows.size() == 2);
  for (const char* key : {"name", "signed", "source", "mae", "mae_pct", "wce", "wce_pct", "mre_pct", "ep_pct", "mse",
                          "bias", "energy_uniform_fj", "gates", "area_um2", "library_power_mw", "library_area_um2",
                          "library_delay_ns"})
    CHECK(rows[0].contains(key));
  CHECK(rows[0]["name"] == "mul8u_exact");
  CHECK(rows[0]["mae"] == 0);
  CHECK(rows[0]["library_power_mw"].is_null());
  CHECK(rows[1]["signed"] == true);
  CHECK(rows[1]["mae"].get<double>() > 0);
  std::ifstream csv(out / "characterization.csv");
  std::string header;
  std::getline(csv, header);
  CHECK(header.rfind("name,signed,source,mae,mae_pct,wce,wce_pct,mre_pct,ep_pct,mse,bias,energy_uniform_fj", 0) == 0);
  CHECK(fs::file_size(out / "tables" / "mul8s_trunc4.bin") == 131072);
  fs::remove_all(out);
}

TEST_CASE("characterize rejects bad input with one line, a non-zero exit and no output files") {
  const fs::path out = fs::temp_directory_path() / "alwann-cli-characterize-bad";
  fs::remove_all(out);
  const auto ports = run_alwann("characterize --verilog " + source_path("tests/fixtures/rtl/bad/mul8u_badports.v") +
                                " --out " + out.string());
  CHECK(ports.status == 1);
  CHECK(ports.err.find("alwann: error: ") == 0);
  CHECK(ports.err.find("mul8u_badports.v") != std::string::npos);
  CHECK(std::count(ports.err.begin(), ports.err.end(), '\n') == 1);
  CHECK_FALSE(fs::exists(out / "characterization.json"));
  CHECK_FALSE(fs::exists(out / "characterization.csv"));

  const auto unknown = run_alwann("characterize --multipliers mul8u_nope --out " + out.string());
  CHECK(unknown.status == 1);
  CHECK(unknown.err.find("unknown multiplier 'mul8u_nope'") != std::string::npos);
  CHECK_FALSE(fs::exists(out / "characterization.json"));
}
