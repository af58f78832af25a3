// Quantisation: fixed-point requantisation, calibration, both schemes close to
// float, determinism across thread counts.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "nn/IntegerInference.hpp"
#include "nn_test_support.hpp"

using namespace alwann::nn;
using nn_test::fixture;

TEST_CASE("fixed-point multipliers round like the real product", "[quant]") {
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> factor(1e-6, 4.0);
  std::uniform_int_distribution<std::int32_t> x(-(1 << 22), 1 << 22);
  for (int i = 0; i < 2000; ++i) {
    const double r = factor(rng);
    const FixedPointMultiplier m = quantize_multiplier(r);
    CHECK(std::ldexp(m.multiplier, m.shift - 31) == Approx(r).epsilon(1e-9));
    const std::int32_t v = x(rng);
    CHECK(std::abs(apply_multiplier(v, m) - r * v) <= 0.5 + 1e-6 * std::abs(r * v));
  }
  CHECK(apply_multiplier(12345, quantize_multiplier(1.0)) == 12345);
  CHECK(apply_multiplier(7, quantize_multiplier(0.5)) == 4);
  CHECK(apply_multiplier(-7, quantize_multiplier(0.5)) == -3);  // gemmlowp: the doubling high mul rounds -x.5 up
  CHECK(rounding_divide(5, 2) == 3);
  CHECK(rounding_divide(-5, 2) == -3);
  CHECK(quantize_multiplier(0.0).multiplier == 0);
}

TEST_CASE("scheme names parse and unknown ones are rejected", "[quant]") {
  CHECK(parse_scheme("tf-uint8") == Scheme::TfUint8);
  CHECK(parse_scheme("int8-symmetric") == Scheme::Int8Symmetric);
  CHECK_THAT(nn_test::error_of([] { parse_scheme("fp8"); }), Catch::Contains("unknown quantisation scheme 'fp8'"));
}

TEST_CASE("tf-uint8 parameters follow the eightbit rules", "[quant]") {
  auto net = load_onnx(fixture("ops_all.onnx"));
  auto q = nn_test::quantize_fixture(net, Scheme::TfUint8, nn_test::random_inputs(*net, 16, 1));
  const auto& r = q->ranges();
  const QuantParams in = q->layer(0).output;
  CHECK(in.scale == Approx((r.max[0] - r.min[0]) / 255.0));
  CHECK(in.zero_point == std::lround(-r.min[0] / in.scale));
  // conv1 is fused with relu1: its codes cover [0, max(relu1)] and clamp at the zero point.
  const int conv1 = net->find("conv1")->id, relu1 = net->find("relu1")->id;
  CHECK(q->layer(conv1).output.zero_point == 0);
  CHECK(q->layer(conv1).output.scale == Approx(r.max[static_cast<size_t>(relu1)] / 255.0));
  // Clip(0, 1.5) fused into the 1x1 conv: the top code is 1.5.
  const auto& c2 = q->layer(net->find("conv_1x1")->id);
  CHECK(c2.out_max <= 255);
  CHECK(c2.output.scale * (c2.out_max - c2.output.zero_point) <= 1.5f + c2.output.scale);
  // Weight codes dequantise to the folded float weights within half a step.
  const auto& ql = q->layer(conv1);
  const auto& w = net->weights(conv1).weights;
  for (size_t i = 0; i < w.size(); ++i)
    CHECK(std::fabs(ql.weight_scales[0] * (ql.weight_codes[i] - ql.weight_zero_point) - w[i]) <= 0.5f * ql.weight_scales[0] + 1e-6f);
}

TEST_CASE("int8-symmetric uses per-channel scales and zero zero-points", "[quant]") {
  auto net = load_onnx(fixture("ops_all.onnx"));
  auto q = nn_test::quantize_fixture(net, Scheme::Int8Symmetric, nn_test::random_inputs(*net, 16, 1));
  for (const Layer& l : net->layers()) {
    CHECK(q->layer(l.id).output.zero_point == 0);
    if (l.op != OpKind::Conv) continue;
    const auto& ql = q->layer(l.id);
    const auto& w = net->weights(l.id).weights;
    const size_t per = w.size() / static_cast<size_t>(l.out_channels);
    for (int c = 0; c < l.out_channels; ++c) {
      float m = 0;
      int max_code = 0;
      for (size_t i = 0; i < per; ++i) {
        m = std::max(m, std::fabs(w[static_cast<size_t>(c) * per + i]));
        max_code = std::max(max_code, std::abs(static_cast<int>(static_cast<std::int8_t>(ql.weight_codes[static_cast<size_t>(c) * per + i]))));
      }
      CHECK(ql.weight_scales[static_cast<size_t>(c)] == Approx(m / 127.0f));
      CHECK(max_code == 127);
    }
  }
}

TEST_CASE("both schemes track the float network and are thread-count independent", "[quant]") {
  auto net = load_onnx(fixture("ops_all.onnx"));
  const auto calib = nn_test::random_inputs(*net, 64, 2);
  const auto test = nn_test::random_inputs(*net, 20, 3);
  FloatEngine f(net);
  for (Scheme s : {Scheme::TfUint8, Scheme::Int8Symmetric}) {
    INFO(to_string(s));
    auto q1 = nn_test::quantize_fixture(net, s, calib, 1);
    auto q3 = nn_test::quantize_fixture(net, s, calib, 3);
    CHECK(q1->ranges().min == q3->ranges().min);
    CHECK(q1->ranges().max == q3->ranges().max);
    IntegerEngine e(q1);
    const int out = net->output().id;
    const float range = q1->ranges().max[static_cast<size_t>(out)] - q1->ranges().min[static_cast<size_t>(out)];
    double err = 0;
    for (const auto& x : test) {
      const auto y = f.run(x);
      const auto yq = q1->dequantize(out, e.run(q1->quantize_input(x)));
      for (size_t k = 0; k < y.size(); ++k) err = std::max(err, static_cast<double>(std::fabs(y[k] - yq[k])));
    }
    CHECK(err < 0.05 * range);  // 8-bit end to end through 12 layers
  }
}
