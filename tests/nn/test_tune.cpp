// Weight update without retraining: the remap equals a brute-force search,
// is the identity for exact multipliers, and undoes a known column shift.
#include <catch2/catch.hpp>

#include <random>

#include "nn/WeightTuning.hpp"
#include "nn_test_support.hpp"

using namespace alwann;
using namespace alwann::nn;

namespace {

rtl::ProductTable noisy_table(bool is_signed, unsigned seed, int spread) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> noise(-spread, spread);
  const auto exact = rtl::ProductTable::exact(is_signed);
  std::vector<std::uint16_t> d(65536);
  for (int w = 0; w < 256; ++w)
    for (int x = 0; x < 256; ++x) {
      int v = exact.value(static_cast<std::uint8_t>(w), static_cast<std::uint8_t>(x)) + noise(rng);
      if (!is_signed) v = std::clamp(v, 0, 65535);
      d[static_cast<size_t>(w * 256 + x)] = static_cast<std::uint16_t>(v);
    }
  return rtl::ProductTable("noisy", is_signed, d);
}

int code_value(bool sgn, int c) { return sgn ? static_cast<std::int8_t>(c) : c; }

// The definition, written out directly: double sums, then the tie rules.
WeightRemap brute_force(const rtl::ProductTable& t, const CodeHistogram& p) {
  const bool sgn = t.is_signed();
  WeightRemap r{};
  for (int w = 0; w < 256; ++w) {
    std::vector<double> cost(256, 0.0);
    for (int c = 0; c < 256; ++c)
      for (int x = 0; x < 256; ++x)
        cost[static_cast<size_t>(c)] += static_cast<double>(p[static_cast<size_t>(x)]) *
                                        std::abs(t.exact_value(static_cast<std::uint8_t>(w), static_cast<std::uint8_t>(x)) -
                                                 t.value(static_cast<std::uint8_t>(c), static_cast<std::uint8_t>(x)));
    const double best_cost = *std::min_element(cost.begin(), cost.end());
    int best = -1;
    if (cost[static_cast<size_t>(w)] == best_cost) best = w;
    for (int c = 0; c < 256 && best != w; ++c) {
      if (cost[static_cast<size_t>(c)] != best_cost) continue;
      const int dc = std::abs(code_value(sgn, c) - code_value(sgn, w));
      const int db = best < 0 ? 1 << 30 : std::abs(code_value(sgn, best) - code_value(sgn, w));
      if (best < 0 || dc < db || (dc == db && code_value(sgn, c) < code_value(sgn, best))) best = c;
    }
    r[static_cast<size_t>(w)] = static_cast<std::uint8_t>(best);
  }
  return r;
}

CodeHistogram random_histogram(unsigned seed) {
  std::mt19937 rng(seed);
  std::geometric_distribution<int> g(0.05);  // skewed like post-Relu activations
  CodeHistogram h{};
  for (int i = 0; i < 20000; ++i) ++h[static_cast<size_t>(std::min(g(rng), 255))];
  return h;
}

}  // namespace

TEST_CASE("weight remap equals brute force", "[tune]") {
  CodeHistogram uniform;
  uniform.fill(1);
  for (bool sgn : {false, true}) {
    INFO((sgn ? "signed" : "unsigned"));
    const auto t = noisy_table(sgn, sgn ? 11 : 12, 400);
    CHECK(alwann_weight_remap(t) == brute_force(t, uniform));
    const auto h = random_histogram(3);
    CHECK(weight_remap(t, h) == brute_force(t, h));
  }
}

TEST_CASE("weight remap is the identity for exact multipliers", "[tune]") {
  for (bool sgn : {false, true}) {
    const auto t = rtl::ProductTable::exact(sgn);
    CHECK(alwann_weight_remap(t) == identity_remap());
    CHECK(weight_remap(t, random_histogram(4)) == identity_remap());
    CodeHistogram zeros_only{};
    zeros_only[0] = 100;  // every column gives 0: all tie, so every w is kept
    CHECK(weight_remap(t, zeros_only) == identity_remap());
  }
}

TEST_CASE("weight remap undoes a shifted multiplier", "[tune]") {
  // Column w' of this multiplier computes x * (w' + 1): weight w is best served by w - 1.
  const auto exact = rtl::ProductTable::exact(false);
  std::vector<std::uint16_t> d(65536);
  for (int w = 0; w < 256; ++w)
    for (int x = 0; x < 256; ++x) d[static_cast<size_t>(w * 256 + x)] = static_cast<std::uint16_t>(x * std::min(w + 1, 255));
  const rtl::ProductTable shifted("shifted", false, d);
  const WeightRemap r = alwann_weight_remap(shifted);
  CHECK(r[0] == 0);  // nothing computes x * 0; column 0 (x * 1) is the closest
  for (int w = 1; w < 255; ++w) CHECK(r[static_cast<size_t>(w)] == w - 1);
  CHECK(r[255] == 255);  // columns 254 and 255 both compute x * 255: ties keep w
}

TEST_CASE("data-aware remap only looks at the observed activations", "[tune]") {
  // Column w' computes x * (w' + 1) except at x = 3, where it is exact. Uniform
  // activations favour w - 1; if only x = 3 occurs, every weight stays.
  std::vector<std::uint16_t> d(65536);
  for (int w = 0; w < 256; ++w)
    for (int x = 0; x < 256; ++x)
      d[static_cast<size_t>(w * 256 + x)] = static_cast<std::uint16_t>(x == 3 ? 3 * w : x * std::min(w + 1, 255));
  const rtl::ProductTable t("exact_at_3", false, d);
  CodeHistogram only3{};
  only3[3] = 1;
  CHECK(weight_remap(t, only3) == identity_remap());
  CHECK(alwann_weight_remap(t)[100] == 99);
}

TEST_CASE("tune names parse and unknown ones are rejected", "[tune]") {
  CHECK(parse_tune("none") == Tune::None);
  CHECK(parse_tune("alwann") == Tune::Alwann);
  CHECK(parse_tune("data") == Tune::Data);
  CHECK_THAT(nn_test::error_of([] { parse_tune("retrain"); }), Catch::Contains("unknown weight update 'retrain'"));
}
