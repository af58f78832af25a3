// The built-in library: exact multipliers are exact, approximate ones match
// independent closed-form computations, generated files are up to date.
#include <catch2/catch.hpp>

#include <filesystem>

#include "common/ContentHash.hpp"
#include "rtl/ErrorMetrics.hpp"
#include "rtl/GateNetlist.hpp"
#include "rtl/MultiplierLibrary.hpp"
#include "rtl/generator/MultiplierGenerator.hpp"
#include "tests/rtl/TestSupport.hpp"

using namespace alwann;
using namespace alwann::rtl;

TEST_CASE("exact multipliers are bit-exact over all 65,536 pairs, both signednesses") {
  auto& lib = MultiplierLibrary::instance();
  for (const char* name : {"mul8u_exact", "mul8s_exact"}) {
    const auto table = lib.table(name);
    const bool s = std::string(name).find("mul8s") == 0;
    CHECK(table->is_signed() == s);
    auto model = lib.model(name);
    for (int w = 0; w < 256; ++w)
      for (int x = 0; x < 256; ++x) {
        const auto a = static_cast<std::uint8_t>(w), b = static_cast<std::uint8_t>(x);
        const int expect = s ? static_cast<std::int8_t>(a) * static_cast<std::int8_t>(b) : w * x;
        REQUIRE(table->value(a, b) == expect);
        REQUIRE(model->multiply(a, b) == static_cast<std::uint16_t>(expect));
      }
    const ErrorMetrics m = error_metrics(*table);
    CHECK(m.mae == 0);
    CHECK(m.wce == 0);
    CHECK(m.ep_pct == 0);
    CHECK(m.mre_pct == 0);
    CHECK(m.mse == 0);
    CHECK(m.bias == 0);
    // The gate netlist Verilator elaborates computes the same products.
    const auto products = lib.netlist(name)->products();
    for (int a = 0; a < 256; ++a)
      for (int b = 0; b < 256; ++b)
        REQUIRE(products[a * 256 + b] == table->raw(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b)));
  }
}

TEST_CASE("a truncated multiplier's MAE, WCE and EP equal a brute-force computation") {
  // mul8u_bamh0v6 omits every partial product a_j*b_i with i + j < 6 and
  // adds nothing back: err(a, b) = -sum_{i+j<6} a_j b_i 2^(i+j).
  const auto table = MultiplierLibrary::instance().table("mul8u_bamh0v6");
  double sum_abs = 0, worst = 0, sum = 0;
  int wrong = 0;
  for (int a = 0; a < 256; ++a)
    for (int b = 0; b < 256; ++b) {
      long dropped = 0;
      for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 8; ++j)
          if (i + j < 6) dropped += static_cast<long>(((a >> j) & 1) & ((b >> i) & 1)) << (i + j);
      REQUIRE(table->value(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b)) == a * b - dropped);
      sum_abs += dropped;
      sum -= dropped;
      worst = std::max<double>(worst, dropped);
      wrong += dropped != 0;
    }
  const ErrorMetrics m = error_metrics(*table);
  CHECK(m.mae == Approx(sum_abs / 65536));
  CHECK(m.mae_pct == Approx(sum_abs / 65536 / 65536 * 100));
  CHECK(m.wce == worst);
  CHECK(m.ep_pct == Approx(100.0 * wrong / 65536));
  CHECK(m.bias == Approx(sum / 65536));
  // Closed form of the mean: each a_j b_i is 1 with probability 1/4.
  double expected = 0;
  for (int c = 0; c < 6; ++c) expected += (c + 1) * 0.25 * (1 << c);
  CHECK(m.mae == Approx(expected));
}

TEST_CASE("the shipped library spans MAE% from below 0.01 % to above 5 % in both signednesses") {
  auto& lib = MultiplierLibrary::instance();
  for (const char* prefix : {"mul8u_", "mul8s_"}) {
    double lo = 1e9, hi = 0;
    int approximate = 0;
    for (const auto& name : lib.names()) {
      if (name.rfind(prefix, 0) != 0 || name.find("exact") != std::string::npos) continue;
      const double mae = error_metrics(*lib.table(name)).mae_pct;
      CHECK(mae > 0);
      lo = std::min(lo, mae);
      hi = std::max(hi, mae);
      ++approximate;
    }
    CHECK(approximate >= 12);
    CHECK(lo < 0.01);
    CHECK(hi > 5.0);
  }
}

TEST_CASE("rtl/generated is what the generator writes today") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "alwann-test-generated";
  fs::remove_all(dir);
  const auto paths = generator::write_builtin_library(dir.string());
  const std::string committed = std::string(ALWANN_SOURCE_DIR) + "/rtl/generated/";
  size_t committed_count = 0;
  for (const auto& e : fs::directory_iterator(committed)) committed_count += e.path().extension() == ".v";
  CHECK(committed_count == paths.size());
  for (const auto& p : paths) {
    const std::string name = fs::path(p).filename().string();
    INFO(name << " differs: run `alwann generate-multipliers --out rtl/generated`");
    REQUIRE(fs::exists(committed + name));
    CHECK(read_file(p) == read_file(committed + name));
  }
  fs::remove_all(dir);
}

TEST_CASE("unknown multiplier names are rejected with the known names") {
  const std::string e = test::error_of([] { MultiplierLibrary::instance().table("mul8u_nonexistent"); });
  CHECK(e.find("unknown multiplier 'mul8u_nonexistent'") != std::string::npos);
  CHECK(e.find("mul8u_exact") != std::string::npos);
}
