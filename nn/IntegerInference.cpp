#include "nn/IntegerInference.hpp"

#include <algorithm>
#include <map>

#include "common/Error.hpp"
#include "nn/Im2col.hpp"
#include "nn/IntegerLayers.hpp"
#include "nn/ParallelFor.hpp"

namespace alwann::nn {

namespace {
inline std::uint8_t to_code(int v) { return static_cast<std::uint8_t>(v & 0xff); }
}  // namespace

WeightRemap identity_remap() {
  WeightRemap r;
  for (int i = 0; i < 256; ++i) r[static_cast<size_t>(i)] = static_cast<std::uint8_t>(i);
  return r;
}

IntegerEngine::IntegerEngine(QuantizedNetworkPtr q, std::vector<LayerMultiplier> multipliers, KernelPath path)
    : q_(std::move(q)), mult_(std::move(multipliers)), path_(path) {
  const Network& net = q_->network();
  const size_t n_layers = net.layers().size();
  mult_.resize(n_layers);
  port_a_.resize(n_layers);
  gemm_.resize(n_layers);
  rows_.resize(n_layers);
  add_.resize(n_layers);
  std::map<rtl::ProductTablePtr, PreparedTable> tables;
  for (const Layer& l : net.layers()) {
    const QuantizedLayer& ql = q_->layer(l.id);
    if (l.op == OpKind::Add) {
      AddRequant& a = add_[static_cast<size_t>(l.id)];
      a.is_signed = q_->is_signed();
      a.za = q_->layer(l.predecessors[0]).output.zero_point;
      a.zb = q_->layer(l.predecessors[1]).output.zero_point;
      a.ma = ql.input_rescale[0];
      a.mb = ql.input_rescale[1];
      a.out = ql.output_rescale;
      a.zero_point = ql.output.zero_point;
      a.lo = ql.out_min;
      a.hi = ql.out_max;
    }
    if (l.op != OpKind::Conv && l.op != OpKind::FullyConnected) continue;
    LayerMultiplier& m = mult_[static_cast<size_t>(l.id)];
    if (!l.approximable) m = LayerMultiplier{};
    if (m.table && m.table->is_signed() != q_->is_signed())
      throw Error("layer '" + l.name + "': multiplier '" + m.table->name() + "' is " +
                  (m.table->is_signed() ? "signed" : "unsigned") + " but scheme " + to_string(q_->scheme()) +
                  " needs " + (q_->is_signed() ? "signed (mul8s_*)" : "unsigned (mul8u_*)") + " multipliers");
    Codes& w = port_a_[static_cast<size_t>(l.id)];
    w.resize(ql.weight_codes.size());
    for (size_t i = 0; i < w.size(); ++i) w[i] = m.weight_remap[ql.weight_codes[i]];
    // One table layout per multiplier, shared by its layers and groups.
    auto table = m.table ? tables.find(m.table) : tables.end();
    if (m.table && table == tables.end()) table = tables.emplace(m.table, PreparedTable(*m.table, path)).first;
    const size_t group_size = static_cast<size_t>(l.gemm_n) * l.gemm_k;
    for (int g = 0; g < l.groups; ++g) {
      const std::uint8_t* wg = w.data() + static_cast<size_t>(g) * group_size;
      gemm_[static_cast<size_t>(l.id)].push_back(
          m.table ? PreparedGemm::approx(table->second, wg, l.gemm_n, l.gemm_k)
                  : PreparedGemm::exact(q_->is_signed(), wg, l.gemm_n, l.gemm_k, path));
    }
    // acc = sum_k M(w_k, x_k) - z_w * sum_k x_k - z_x * sum_k w_k + K * z_x * z_w + bias
    // (reference §2). The cross terms use the quantised weights, not the
    // remapped ones: the remap only chooses which multiplier column
    // approximates w * x.
    const int zx = q_->layer(l.predecessors[0]).output.zero_point, zw = ql.weight_zero_point, K = l.gemm_k;
    auto& rows = rows_[static_cast<size_t>(l.id)];
    rows.resize(static_cast<size_t>(l.groups) * l.gemm_n);
    for (size_t oc = 0; oc < rows.size(); ++oc) {
      RequantRow& r = rows[oc];
      r.constant = ql.bias[oc] - zx * ql.weight_sums[oc] + K * zx * zw;
      r.zw = zw;
      r.m = ql.requant[oc];
      r.zero_point = ql.output.zero_point;
      r.lo = ql.out_min;
      r.hi = ql.out_max;
    }
  }
}

IntegerEngine::BatchState IntegerEngine::start_batch(const Codes* const* inputs, int B) const {
  BatchState st;
  load_batch(inputs, B, st);
  return st;
}

// Reuses st's buffers (they only grow) when it held an earlier batch.
void IntegerEngine::load_batch(const Codes* const* inputs, int B, BatchState& st) const {
  const Network& net = q_->network();
  st.images = B;
  st.act.resize(net.layers().size());
  if (!st.scratch) st.scratch = std::make_shared<batched::Scratch>();
  const auto expected = static_cast<size_t>(element_count(net.input().output_shape));
  for (int b = 0; b < B; ++b)
    if (inputs[b]->size() != expected)
      throw Error("network '" + net.name() + "': input has " + std::to_string(inputs[b]->size()) +
                  " codes, expected " + shape_string(net.input().output_shape));
  for (const Layer& l : net.layers())
    if (l.op == OpKind::Input) batched::to_batch(l.output_shape, inputs, B, st.act[static_cast<size_t>(l.id)]);
}

void IntegerEngine::run_batch(const Codes* const* inputs, int B, BatchState& ws) const {
  load_batch(inputs, B, ws);
  run_layers(ws, 0, static_cast<int>(q_->network().layers().size()));
}

int IntegerEngine::classify_in_batch(const BatchState& s, int b) const {
  return argmax(batched::from_batch(q_->network().layers().back().output_shape, s.images, s.act.back(), b));
}

void IntegerEngine::run_layers(BatchState& ws, int first, int last) const {
  const Network& net = q_->network();
  std::vector<Codes>& act = ws.act;
  const int B = ws.images;
  const bool sgn = q_->is_signed();
  for (int i = first; i < last; ++i) {
    const Layer& l = net.layer(i);
    const auto id = static_cast<size_t>(l.id);
    Codes& out = act[id];
    if (l.op == OpKind::Input) continue;  // set by start_batch
    const Codes& in = act[static_cast<size_t>(l.predecessors[0])];
    const QuantizedLayer& ql = q_->layer(l.id);
    const int zin = q_->layer(l.predecessors[0]).output.zero_point;
    switch (l.op) {
      case OpKind::Conv:
        batched::conv(l, B, gemm_[id], rows_[id], to_code(zin), in, out, *ws.scratch, path_);
        break;
      case OpKind::FullyConnected:
        if (l.input_shape.size() > 1) {  // the K x B operand matrix is the flat [F][B] layout
          Codes flat;
          batched::relayout(l.input_shape, {static_cast<int>(element_count(l.input_shape))}, B, in, flat);
          batched::fully_connected(B, gemm_[id][0], rows_[id], flat, out, *ws.scratch, path_);
        } else {
          batched::fully_connected(B, gemm_[id][0], rows_[id], in, out, *ws.scratch, path_);
        }
        break;
      case OpKind::Relu:
      case OpKind::Clip: batched::clamp_codes(sgn, ql.out_min, ql.out_max, in, out); break;
      case OpKind::Add:
        out.resize(in.size());
        add_requantize(in.data(), act[static_cast<size_t>(l.predecessors[1])].data(), static_cast<int>(in.size()),
                       add_[id], out.data(), path_);
        break;
      case OpKind::MaxPool:
      case OpKind::AveragePool:
      case OpKind::GlobalAveragePool: batched::pool(l, B, sgn, ql.output.zero_point, in, out); break;
      case OpKind::Flatten:
      case OpKind::Reshape: batched::relayout(l.input_shape, l.output_shape, B, in, out); break;
      case OpKind::Softmax: out = in; break;  // Softmax is monotonic: the argmax of its input stands
      case OpKind::Concat: {  // along channels: in the batched layout, the inputs' blocks one after another
        out.clear();
        for (size_t j = 0; j < l.predecessors.size(); ++j) {
          const int p = l.predecessors[j];
          const int zp = q_->layer(p).output.zero_point;
          for (std::uint8_t code : act[static_cast<size_t>(p)])
            out.push_back(to_code(std::clamp(ql.output.zero_point + apply_multiplier(q_->value(code) - zp, ql.input_rescale[j]),
                                             q_->code_min(), q_->code_max())));
        }
        break;
      }
      case OpKind::Input: break;
    }
  }
}

Codes IntegerEngine::run(const Codes& input, std::vector<Codes>* activations) const {
  BatchState ws;
  const Codes* in = &input;
  run_batch(&in, 1, ws);  // with B = 1 the batched layout is the per-image one
  Codes out = ws.act.back();
  if (activations) *activations = std::move(ws.act);
  return out;
}

int IntegerEngine::argmax(const Codes& out) const {
  int best = 0;
  for (size_t i = 1; i < out.size(); ++i)
    if (q_->value(out[i]) > q_->value(out[static_cast<size_t>(best)])) best = static_cast<int>(i);
  return best;
}

int IntegerEngine::classify(const Codes& input) const { return argmax(run(input)); }

std::vector<Codes> IntegerEngine::run(const std::vector<Codes>& inputs, int threads, int batch) const {
  const int B = std::max(1, batch);
  const size_t n_batches = (inputs.size() + static_cast<size_t>(B) - 1) / static_cast<size_t>(B);
  const int workers = std::max(1, threads);
  std::vector<BatchState> ws(static_cast<size_t>(workers));
  std::vector<Codes> outputs(inputs.size());
  const Shape& out_shape = q_->network().layers().back().output_shape;
  parallel_for(n_batches, workers, [&](size_t i, int w) {
    const size_t first = i * static_cast<size_t>(B);
    const int count = static_cast<int>(std::min<size_t>(static_cast<size_t>(B), inputs.size() - first));
    std::vector<const Codes*> ptrs(static_cast<size_t>(count));
    for (int b = 0; b < count; ++b) ptrs[static_cast<size_t>(b)] = &inputs[first + static_cast<size_t>(b)];
    BatchState& mine = ws[static_cast<size_t>(w)];
    run_batch(ptrs.data(), count, mine);
    for (int b = 0; b < count; ++b)
      outputs[first + static_cast<size_t>(b)] = batched::from_batch(out_shape, count, mine.act.back(), b);
  });
  return outputs;
}

std::vector<int> IntegerEngine::classify(const std::vector<Codes>& inputs, int threads, int batch) const {
  const std::vector<Codes> outputs = run(inputs, threads, batch);
  std::vector<int> classes(outputs.size());
  for (size_t i = 0; i < outputs.size(); ++i) classes[i] = argmax(outputs[i]);
  return classes;
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
