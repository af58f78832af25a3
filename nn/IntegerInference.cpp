#include "nn/IntegerInference.hpp"

#include <algorithm>

#include "common/Error.hpp"
#include "nn/Im2col.hpp"
#include "nn/ParallelFor.hpp"
#include "nn/PoolingWindow.hpp"

namespace alwann::nn {

WeightRemap identity_remap() {
  WeightRemap r;
  for (int i = 0; i < 256; ++i) r[static_cast<size_t>(i)] = static_cast<std::uint8_t>(i);
  return r;
}

IntegerEngine::IntegerEngine(QuantizedNetworkPtr q, std::vector<LayerMultiplier> multipliers, KernelPath path)
    : q_(std::move(q)), mult_(std::move(multipliers)) {
  const Network& net = q_->network();
  mult_.resize(net.layers().size());
  port_a_.resize(net.layers().size());
  gemm_.resize(net.layers().size());
  add_terms_.resize(net.layers().size());
  for (const Layer& l : net.layers()) {
    if (l.op == OpKind::Add)  // an input term depends only on its 8-bit code: tabulate it once
      for (size_t j = 0; j < 2; ++j) {
        const int z = q_->layer(l.predecessors[j]).output.zero_point;
        for (int c = 0; c < 256; ++c)
          add_terms_[static_cast<size_t>(l.id)][j][static_cast<size_t>(c)] =
              apply_multiplier((q_->value(static_cast<std::uint8_t>(c)) - z) * (1 << 20), q_->layer(l.id).input_rescale[j]);
      }
    if (l.op != OpKind::Conv && l.op != OpKind::FullyConnected) continue;
    LayerMultiplier& m = mult_[static_cast<size_t>(l.id)];
    if (!l.approximable) m = LayerMultiplier{};
    if (m.table && m.table->is_signed() != q_->is_signed())
      throw Error("layer '" + l.name + "': multiplier '" + m.table->name() + "' is " +
                  (m.table->is_signed() ? "signed" : "unsigned") + " but scheme " + to_string(q_->scheme()) +
                  " needs " + (q_->is_signed() ? "signed (mul8s_*)" : "unsigned (mul8u_*)") + " multipliers");
    const QuantizedLayer& ql = q_->layer(l.id);
    Codes& w = port_a_[static_cast<size_t>(l.id)];
    w.resize(ql.weight_codes.size());
    for (size_t i = 0; i < w.size(); ++i) w[i] = m.weight_remap[ql.weight_codes[i]];
    const size_t group_size = static_cast<size_t>(l.gemm_n) * l.gemm_k;
    for (int g = 0; g < l.groups; ++g) {
      const std::uint8_t* wg = w.data() + static_cast<size_t>(g) * group_size;
      gemm_[static_cast<size_t>(l.id)].push_back(
          m.table ? PreparedGemm::approx(*m.table, wg, l.gemm_n, l.gemm_k, path)
                  : PreparedGemm::exact(q_->is_signed(), wg, l.gemm_n, l.gemm_k, path));
    }
  }
}

namespace {
inline std::uint8_t to_code(int v) { return static_cast<std::uint8_t>(v & 0xff); }
}  // namespace

// acc = sum_k M(w_k, x_k) - z_w * sum_k x_k - z_x * sum_k w_k + K * z_x * z_w + bias
// (reference §2). The cross terms use the quantised weights, not the remapped
// ones: the remap only chooses which multiplier column approximates w * x.
void IntegerEngine::conv(const Layer& l, const Codes& in, Codes& out) const {
  const QuantizedLayer& ql = q_->layer(l.id);
  const int M = l.gemm_m, N = l.gemm_n, K = l.gemm_k;
  const int zx = q_->layer(l.predecessors[0]).output.zero_point, zw = ql.weight_zero_point;
  std::vector<std::uint8_t> xt(static_cast<size_t>(K) * M);
  std::vector<std::int32_t> c(static_cast<size_t>(M) * N), sumx(static_cast<size_t>(M), 0);
  for (int g = 0; g < l.groups; ++g) {
    im2col_columns(l, in.data(), g, to_code(zx), xt.data());
    gemm_[static_cast<size_t>(l.id)][static_cast<size_t>(g)].run_xt(xt.data(), M, c.data());
    if (zw != 0) {  // only tf-uint8 has weight zero points (activation codes are unsigned there)
      std::fill(sumx.begin(), sumx.end(), 0);
      for (int k = 0; k < K; ++k) {
        const std::uint8_t* row = xt.data() + static_cast<size_t>(k) * M;
        for (int m = 0; m < M; ++m) sumx[static_cast<size_t>(m)] += row[m];
      }
    }
    for (int n = 0; n < N; ++n) {
      const size_t oc = static_cast<size_t>(g * N + n);
      const std::int32_t constant = ql.bias[oc] - zx * ql.weight_sums[oc] + K * zx * zw;
      const FixedPointMultiplier rq = ql.requant[oc];
      std::uint8_t* o = out.data() + oc * static_cast<size_t>(M);
      for (int m = 0; m < M; ++m) {
        const std::int32_t acc = c[static_cast<size_t>(m) * N + n] - zw * sumx[static_cast<size_t>(m)] + constant;
        o[m] = to_code(std::clamp(ql.output.zero_point + apply_multiplier(acc, rq), ql.out_min, ql.out_max));
      }
    }
  }
}

void IntegerEngine::fully_connected(const Layer& l, const Codes& in, Codes& out) const {
  const QuantizedLayer& ql = q_->layer(l.id);
  const int N = l.gemm_n, K = l.gemm_k;
  const int zx = q_->layer(l.predecessors[0]).output.zero_point, zw = ql.weight_zero_point;
  std::vector<std::int32_t> c(static_cast<size_t>(N));
  gemm_[static_cast<size_t>(l.id)][0].run_xt(in.data(), 1, c.data());  // one pixel: X = X^T
  std::int32_t sumx = 0;
  for (int k = 0; k < K; ++k) sumx += q_->value(in[static_cast<size_t>(k)]);
  for (int n = 0; n < N; ++n) {
    const std::int32_t acc = c[static_cast<size_t>(n)] - zw * sumx + ql.bias[static_cast<size_t>(n)] -
                             zx * ql.weight_sums[static_cast<size_t>(n)] + K * zx * zw;
    out[static_cast<size_t>(n)] =
        to_code(std::clamp(ql.output.zero_point + apply_multiplier(acc, ql.requant[static_cast<size_t>(n)]),
                           ql.out_min, ql.out_max));
  }
}

// Max and average pooling keep the input's grid (same scale and zero point):
// max compares code values, the average rounds the mean of code values.
void IntegerEngine::pool(const Layer& l, const Codes& in, Codes& out) const {
  const int C = l.input_shape[0], H = l.input_shape[1], W = l.input_shape[2];
  const int OH = l.output_shape[1], OW = l.output_shape[2];
  const int z = q_->layer(l.id).output.zero_point;
  const bool is_max = l.op == OpKind::MaxPool;
  for (int c = 0; c < C; ++c) {
    const std::uint8_t* plane = in.data() + static_cast<size_t>(c) * H * W;
    for (int oy = 0; oy < OH; ++oy)
      for (int ox = 0; ox < OW; ++ox) {
        const PoolWindow w = pool_window(l, oy, ox);
        std::int32_t acc = is_max ? q_->code_min() : 0;
        for (int y = w.y0; y < w.y1; ++y)
          for (int x = w.x0; x < w.x1; ++x) {
            const int v = q_->value(plane[y * W + x]);
            acc = is_max ? std::max(acc, v) : acc + (v - z);  // padded taps add real 0
          }
        const int v = is_max ? acc : z + rounding_divide(acc, w.divisor);
        out[(static_cast<size_t>(c) * OH + oy) * OW + ox] = to_code(std::clamp(v, q_->code_min(), q_->code_max()));
      }
  }
}

// TFLite's integer Add: both inputs on a 2^-20 grid of twice the larger scale, summed, requantised.
void IntegerEngine::add(const Layer& l, const Codes& a, const Codes& b, Codes& out) const {
  const QuantizedLayer& ql = q_->layer(l.id);
  const auto& terms = add_terms_[static_cast<size_t>(l.id)];
  for (size_t i = 0; i < out.size(); ++i) {
    const std::int32_t sum = terms[0][a[i]] + terms[1][b[i]];
    out[i] = to_code(std::clamp(ql.output.zero_point + apply_multiplier(sum, ql.output_rescale), ql.out_min, ql.out_max));
  }
}

Codes IntegerEngine::run(const Codes& input, std::vector<Codes>* activations) const {
  const Network& net = q_->network();
  std::vector<Codes> local;
  std::vector<Codes>& act = activations ? *activations : local;
  act.assign(net.layers().size(), {});
  if (static_cast<std::int64_t>(input.size()) != element_count(net.input().output_shape))
    throw Error("network '" + net.name() + "': input has " + std::to_string(input.size()) + " codes, expected " +
                shape_string(net.input().output_shape));
  for (const Layer& l : net.layers()) {
    Codes& out = act[static_cast<size_t>(l.id)];
    if (l.op == OpKind::Input) {
      out = input;
      continue;
    }
    const Codes& in = act[static_cast<size_t>(l.predecessors[0])];
    const QuantizedLayer& ql = q_->layer(l.id);
    out.resize(static_cast<size_t>(element_count(l.output_shape)));
    switch (l.op) {
      case OpKind::Conv: conv(l, in, out); break;
      case OpKind::FullyConnected: fully_connected(l, in, out); break;
      case OpKind::Relu:
      case OpKind::Clip:
        for (size_t i = 0; i < out.size(); ++i) out[i] = to_code(std::clamp(q_->value(in[i]), ql.out_min, ql.out_max));
        break;
      case OpKind::Add: add(l, in, act[static_cast<size_t>(l.predecessors[1])], out); break;
      case OpKind::MaxPool:
      case OpKind::AveragePool:
      case OpKind::GlobalAveragePool: pool(l, in, out); break;
      case OpKind::Flatten:
      case OpKind::Reshape:
      case OpKind::Softmax: out = in; break;  // Softmax is monotonic: the argmax of its input stands
      case OpKind::Concat: {
        size_t at = 0;
        for (size_t j = 0; j < l.predecessors.size(); ++j) {
          const int p = l.predecessors[j];
          const int zin = q_->layer(p).output.zero_point;
          for (std::uint8_t code : act[static_cast<size_t>(p)])
            out[at++] = to_code(std::clamp(
                ql.output.zero_point + apply_multiplier(q_->value(code) - zin, ql.input_rescale[j]),
                q_->code_min(), q_->code_max()));
        }
        break;
      }
      case OpKind::Input: break;
    }
    if (!activations)
      for (int p : l.predecessors)
        if (net.layer(p).successors.back() == l.id) act[static_cast<size_t>(p)] = Codes();
  }
  return act.back();
}

int IntegerEngine::classify(const Codes& input) const {
  const Codes out = run(input);
  int best = 0;
  for (size_t i = 1; i < out.size(); ++i)
    if (q_->value(out[i]) > q_->value(out[static_cast<size_t>(best)])) best = static_cast<int>(i);
  return best;
}

std::vector<CodeHistogram> activation_histograms(const IntegerEngine& engine, const std::vector<Codes>& inputs,
                                                 int threads) {
  const Network& net = engine.quantized().network();
  const size_t n_layers = net.layers().size();
  const int workers = std::max(1, threads);
  std::vector<std::vector<CodeHistogram>> part(static_cast<size_t>(workers), std::vector<CodeHistogram>(n_layers, CodeHistogram{}));
  parallel_for(inputs.size(), workers, [&](size_t i, int w) {
    std::vector<Codes> act;
    engine.run(inputs[i], &act);
    for (const Layer& l : net.layers()) {
      if (!l.approximable) continue;
      CodeHistogram& h = part[static_cast<size_t>(w)][static_cast<size_t>(l.id)];
      const Codes& in = act[static_cast<size_t>(l.predecessors[0])];
      if (l.op == OpKind::FullyConnected) {
        for (std::uint8_t c : in) ++h[c];
        continue;
      }
      const auto pad = static_cast<std::uint8_t>(engine.quantized().layer(l.predecessors[0]).output.zero_point & 0xff);
      for (int g = 0; g < l.groups; ++g)
        for (std::uint8_t c : im2col_columns(l, in.data(), g, pad)) ++h[c];
    }
  });
  std::vector<CodeHistogram> total(n_layers, CodeHistogram{});  // sums: order-independent
  for (const auto& p : part)
    for (size_t l = 0; l < n_layers; ++l)
      for (size_t c = 0; c < 256; ++c) total[l][c] += p[l][c];
  return total;
}

}  // namespace alwann::nn
