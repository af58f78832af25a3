// The integer engine: exact table path == exact integer path bit for bit,
// approximate products come from the table with the weight on port A, and the
// per-layer codes are exposed.
#include <catch2/catch.hpp>

#include <random>

#include "nn/Im2col.hpp"
#include "nn/IntegerInference.hpp"
#include "nn/ParallelFor.hpp"
#include "nn_test_support.hpp"

using namespace alwann;
using namespace alwann::nn;
using nn_test::fixture;

namespace {

rtl::ProductTablePtr random_table(bool is_signed, unsigned seed) {
  // Exact products plus noise: asymmetric in (w, x), so swapped ports would show.
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> noise(-300, 300);
  std::vector<std::uint16_t> d(65536);
  const auto exact = rtl::ProductTable::exact(is_signed);
  for (int w = 0; w < 256; ++w)
    for (int x = 0; x < 256; ++x) {
      int v = exact.value(static_cast<std::uint8_t>(w), static_cast<std::uint8_t>(x)) + noise(rng);
      if (!is_signed) v = std::clamp(v, 0, 65535);
      d[static_cast<size_t>(w * 256 + x)] = static_cast<std::uint16_t>(v);
    }
  return std::make_shared<const rtl::ProductTable>("random", is_signed, d);
}

std::vector<LayerMultiplier> uniform(const Network& net, rtl::ProductTablePtr t) {
  std::vector<LayerMultiplier> m(net.layers().size());
  for (int id : net.approximable_layers()) m[static_cast<size_t>(id)].table = t;
  return m;
}

}  // namespace

TEST_CASE("the exact multiplier through the table path equals the exact integer path", "[inference]") {
  auto net = load_onnx(fixture("ops_all.onnx"));
  for (Scheme s : {Scheme::TfUint8, Scheme::Int8Symmetric}) {
    INFO(to_string(s));
    auto q = nn_test::quantize_fixture(net, s, nn_test::random_inputs(*net, 32, 4));
    const bool sgn = s == Scheme::Int8Symmetric;
    for (KernelPath path : {KernelPath::Portable, best_kernel_path()}) {
      IntegerEngine exact(q, {}, path);
      IntegerEngine table(q, uniform(*net, std::make_shared<const rtl::ProductTable>(rtl::ProductTable::exact(sgn))), path);
      for (const auto& x : nn_test::random_inputs(*net, 8, 5)) {
        std::vector<Codes> a, b;
        exact.run(q->quantize_input(x), &a);
        table.run(q->quantize_input(x), &b);
        CHECK(a == b);
      }
    }
  }
}

TEST_CASE("an exact-valued table through the table kernels equals the exact integer path", "[inference]") {
  // An exact table is routed to the exact kernel, so spoil one row no weight
  // uses: the table kernels then run, and every product they read is exact.
  auto net = load_onnx(fixture("ops_all.onnx"));
  for (Scheme s : {Scheme::TfUint8, Scheme::Int8Symmetric}) {
    INFO(to_string(s));
    auto q = nn_test::quantize_fixture(net, s, nn_test::random_inputs(*net, 32, 4));
    const bool sgn = s == Scheme::Int8Symmetric;
    IntegerEngine exact(q);
    std::vector<bool> used(256, false);
    for (int id : net->approximable_layers())
      for (std::uint8_t w : exact.port_a_weights(id)) used[w] = true;
    const auto unused = std::find(used.begin(), used.end(), false);
    REQUIRE(unused != used.end());
    std::vector<std::uint16_t> d = rtl::ProductTable::exact(sgn).data();
    for (int x = 0; x < 256; ++x) d[static_cast<size_t>((unused - used.begin()) * 256 + x)] ^= 0x5a5a;
    auto spoiled = std::make_shared<const rtl::ProductTable>("exact_but_one_row", sgn, d);
    REQUIRE_FALSE(spoiled->is_exact());
    for (KernelPath path : {KernelPath::Portable, best_kernel_path()}) {
      IntegerEngine table(q, uniform(*net, spoiled), path);
      for (const auto& x : nn_test::random_inputs(*net, 8, 5)) {
        std::vector<Codes> a, b;
        exact.run(q->quantize_input(x), &a);
        table.run(q->quantize_input(x), &b);
        CHECK(a == b);
      }
    }
  }
}

// Recomputes every output code of the approximable layers of `only` (all when
// empty) from their input codes with the documented formula (reference §2, §3).
static void check_against_formula(const Network& net, const QuantizedNetwork& q, const IntegerEngine& e,
                           const rtl::ProductTable& table, const std::vector<Codes>& act, int min_k = 0) {
  for (int id : net.approximable_layers()) {
    const Layer& l = net.layer(id);
    if (l.gemm_k < min_k) continue;
    const QuantizedLayer& ql = q.layer(id);
    const QuantParams in = q.layer(l.predecessors[0]).output;
    const Codes& x = act[static_cast<size_t>(l.predecessors[0])];
    const Codes& w = e.port_a_weights(id);
    CHECK(w == ql.weight_codes);  // no weight update
    for (int g = 0; g < l.groups; ++g) {
      const auto xt = im2col_columns(l, x.data(), g, static_cast<std::uint8_t>(in.zero_point & 0xff));
      for (int n = 0; n < l.gemm_n; ++n) {
        const int oc = g * l.gemm_n + n;
        for (int m = 0; m < l.gemm_m; ++m) {
          std::int64_t acc = ql.bias[static_cast<size_t>(oc)];
          for (int k = 0; k < l.gemm_k; ++k) {
            const std::uint8_t wc = w[static_cast<size_t>(oc) * l.gemm_k + k];
            const std::uint8_t xc = xt[static_cast<size_t>(k) * l.gemm_m + m];
            acc += table.value(wc, xc) - q.value(xc) * ql.weight_zero_point - q.value(wc) * in.zero_point +
                   in.zero_point * ql.weight_zero_point;
          }
          const int y = std::clamp(ql.output.zero_point + apply_multiplier(static_cast<std::int32_t>(acc), ql.requant[static_cast<size_t>(oc)]),
                                   ql.out_min, ql.out_max);
          INFO("layer " << l.name << " channel " << oc << " pixel " << m);
          REQUIRE(act[static_cast<size_t>(id)][static_cast<size_t>(oc) * l.gemm_m + m] == static_cast<std::uint8_t>(y & 0xff));
        }
      }
    }
  }
}

// In both schemes: quantise `net` on `calibration` random inputs, run one
// random image with a random table (seed `table_seed`) on every layer and
// check the layers with K >= min_k against the formula.
static void check_network_against_formula(const NetworkPtr& net, int calibration, unsigned table_seed,
                                          unsigned image_seed, int min_k = 0) {
  for (Scheme s : {Scheme::TfUint8, Scheme::Int8Symmetric}) {
    INFO(to_string(s));
    auto q = nn_test::quantize_fixture(net, s, nn_test::random_inputs(*net, calibration, 6));
    auto table = random_table(s == Scheme::Int8Symmetric, table_seed);
    IntegerEngine e(q, uniform(*net, table));
    std::vector<Codes> act;
    e.run(q->quantize_input(nn_test::random_inputs(*net, 1, image_seed)[0]), &act);
    check_against_formula(*net, *q, e, *table, act, min_k);
  }
}

TEST_CASE("approximate products come from the table, weight on port A", "[inference]") {
  check_network_against_formula(load_onnx(fixture("ops_all.onnx")), 32, 9, 7);
}

TEST_CASE("long reductions (K > 257) of ResNet-8 follow the formula in both schemes", "[inference][resnet8]") {
  // The engine sums tf-uint8's activation cross term in 16-bit blocks of 257
  // rows; ResNet-8's 3x3 convolutions over 32 and 64 channels cross a block.
  check_network_against_formula(load_onnx(std::string(ALWANN_SOURCE_DIR) + "/models/resnet8.onnx"), 8, 4, 8, 258);
}

TEST_CASE("integer inference is identical for any thread count", "[inference]") {
  auto net = load_onnx(fixture("ops_all.onnx"));
  auto q = nn_test::quantize_fixture(net, Scheme::TfUint8, nn_test::random_inputs(*net, 32, 8));
  IntegerEngine e(q, uniform(*net, random_table(false, 3)));
  const auto xs = nn_test::random_inputs(*net, 24, 9);
  auto outputs = [&](int threads) {
    std::vector<Codes> out(xs.size());
    parallel_for(xs.size(), threads, [&](size_t i, int) { out[i] = e.run(q->quantize_input(xs[i])); });
    return out;
  };
  CHECK(outputs(1) == outputs(4));
  const auto h1 = activation_histograms(IntegerEngine(q), {q->quantize_input(xs[0]), q->quantize_input(xs[1])}, 1);
  const auto h2 = activation_histograms(IntegerEngine(q), {q->quantize_input(xs[0]), q->quantize_input(xs[1])}, 2);
  CHECK(h1 == h2);
  const Layer& conv1 = *net->find("conv1");
  std::uint64_t total = 0;
  for (auto c : h1[static_cast<size_t>(conv1.id)]) total += c;
  CHECK(total == 2u * static_cast<std::uint64_t>(conv1.macs / conv1.out_channels));  // every tap of the operand stream
}

TEST_CASE("a multiplier of the wrong signedness is rejected", "[inference][errors]") {
  auto net = load_onnx(fixture("ops_all.onnx"));
  auto q = nn_test::quantize_fixture(net, Scheme::TfUint8, nn_test::random_inputs(*net, 4, 8));
  CHECK_THAT(nn_test::error_of([&] { IntegerEngine(q, uniform(*net, random_table(true, 1))); }),
             Catch::Contains("conv1") && Catch::Contains("needs unsigned"));
}

TEST_CASE("batched inference gives every image the codes it gets alone", "[inference]") {
  // Batches put several images' im2col columns side by side and change the
  // feature-map layout; the fixture has every op (conv incl. grouped and
  // strided, pooling, Add, Concat, Flatten, Gemm), both schemes and paths.
  auto net = load_onnx(fixture("ops_all.onnx"));
  for (Scheme s : {Scheme::TfUint8, Scheme::Int8Symmetric}) {
    auto q = nn_test::quantize_fixture(net, s, nn_test::random_inputs(*net, 32, 4));
    std::vector<Codes> inputs;
    for (const auto& x : nn_test::random_inputs(*net, 21, 6)) inputs.push_back(q->quantize_input(x));
    for (KernelPath path : {KernelPath::Portable, best_kernel_path()}) {
      for (bool approximate : {false, true}) {
        const IntegerEngine e(q, approximate ? uniform(*net, random_table(s == Scheme::Int8Symmetric, 11)) : std::vector<LayerMultiplier>{}, path);
        std::vector<Codes> alone;
        std::vector<int> classes;
        for (const auto& x : inputs) {
          alone.push_back(e.run(x));
          classes.push_back(e.classify(x));
        }
        for (int batch : {1, 2, 5, 16, 64})
          for (int threads : {1, 2}) {
            INFO(to_string(s) << " path=" << to_string(path) << " approximate=" << approximate << " batch=" << batch
                              << " threads=" << threads);
            CHECK(e.run(inputs, threads, batch) == alone);
            CHECK(e.classify(inputs, threads, batch) == classes);
          }
      }
    }
  }
}

TEST_CASE("im2col equals its definition for every padding, stride, dilation and size", "[inference][im2col]") {
  // The same-size fast path (one shifted copy per row) and the general one,
  // including kernels wider than the image and padding on one side only.
  std::mt19937 rng(3);
  int same_size = 0;
  for (int trial = 0; trial < 400; ++trial) {
    Layer l;
    l.op = OpKind::Conv;
    l.groups = 1 + static_cast<int>(rng() % 2);
    l.in_channels = l.groups * (1 + static_cast<int>(rng() % 2));
    const int H = 1 + static_cast<int>(rng() % 7), W = 1 + static_cast<int>(rng() % 7);
    l.kernel_h = 1 + static_cast<int>(rng() % 5);
    l.kernel_w = 1 + static_cast<int>(rng() % 5);
    l.stride_h = 1 + static_cast<int>(rng() % 3);
    l.stride_w = trial % 3 ? l.stride_h : 1 + static_cast<int>(rng() % 3);
    l.dilation_h = 1 + static_cast<int>(rng() % 2);
    l.dilation_w = 1 + static_cast<int>(rng() % 2);
    l.pad_top = static_cast<int>(rng() % 4), l.pad_bottom = static_cast<int>(rng() % 4);
    l.pad_left = static_cast<int>(rng() % 4), l.pad_right = static_cast<int>(rng() % 4);
    if (trial % 2 == 0) {  // "same": pads that keep the size at stride 1
      l.stride_h = l.stride_w = l.dilation_h = l.dilation_w = 1;
      l.pad_top = (l.kernel_h - 1) / 2, l.pad_bottom = l.kernel_h - 1 - l.pad_top;
      l.pad_left = l.kernel_w / 2, l.pad_right = l.kernel_w - 1 - l.pad_left;
    }
    const int span_h = (l.kernel_h - 1) * l.dilation_h + 1, span_w = (l.kernel_w - 1) * l.dilation_w + 1;
    if (H + l.pad_top + l.pad_bottom < span_h || W + l.pad_left + l.pad_right < span_w) continue;
    const int OH = (H + l.pad_top + l.pad_bottom - span_h) / l.stride_h + 1;
    const int OW = (W + l.pad_left + l.pad_right - span_w) / l.stride_w + 1;
    same_size += OH == H && OW == W && l.stride_h == 1 && l.stride_w == 1;
    l.input_shape = {l.in_channels, H, W};
    l.output_shape = {1, OH, OW};
    l.gemm_m = OH * OW;
    l.gemm_k = l.in_channels / l.groups * l.kernel_h * l.kernel_w;
    std::vector<std::uint8_t> in(static_cast<size_t>(l.in_channels) * H * W);
    for (auto& v : in) v = static_cast<std::uint8_t>(1 + rng() % 250);
    const std::uint8_t pad = trial % 4 == 1 ? 128 : 0;  // tf-uint8 pads with the zero point
    for (int g = 0; g < l.groups; ++g) {
      const auto got = im2col_columns<std::uint8_t>(l, in.data(), g, pad);
      std::vector<std::uint8_t> want;
      const int cpg = l.in_channels / l.groups;
      for (int c = 0; c < cpg; ++c)
        for (int ky = 0; ky < l.kernel_h; ++ky)
          for (int kx = 0; kx < l.kernel_w; ++kx)
            for (int oy = 0; oy < OH; ++oy)
              for (int ox = 0; ox < OW; ++ox) {
                const int iy = oy * l.stride_h + ky * l.dilation_h - l.pad_top;
                const int ix = ox * l.stride_w + kx * l.dilation_w - l.pad_left;
                const bool inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
                want.push_back(inside ? in[(static_cast<size_t>(g * cpg + c) * H + iy) * W + ix] : pad);
              }
      INFO("trial " << trial << " H=" << H << " W=" << W << " k=" << l.kernel_h << "x" << l.kernel_w << " stride "
                    << l.stride_h << "," << l.stride_w << " dilation " << l.dilation_h << "," << l.dilation_w << " pads " << l.pad_top << l.pad_left << l.pad_bottom << l.pad_right);
      REQUIRE(got == want);
    }
  }
  CHECK(same_size > 100);
}
