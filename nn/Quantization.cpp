#include "nn/Quantization.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/Error.hpp"
#include "nn/ParallelFor.hpp"

namespace alwann::nn {

Scheme parse_scheme(const std::string& name) {
  if (name == "tf-uint8") return Scheme::TfUint8;
  if (name == "int8-symmetric") return Scheme::Int8Symmetric;
  throw Error("unknown quantisation scheme '" + name + "' (known: tf-uint8, int8-symmetric)");
}

const char* to_string(Scheme s) { return s == Scheme::TfUint8 ? "tf-uint8" : "int8-symmetric"; }

FixedPointMultiplier quantize_multiplier(double r) {
  if (!(r > 0.0)) return {};
  int exponent = 0;
  const double q = std::frexp(r, &exponent);  // r = q * 2^exponent, q in [0.5, 1)
  std::int64_t m = std::llround(q * static_cast<double>(1ll << 31));
  if (m == (1ll << 31)) {
    m /= 2;
    ++exponent;
  }
  if (exponent > 30) throw Error("requantisation factor " + std::to_string(r) + " is out of range");
  if (exponent < -31) return {};  // below 2^-32: every int32 rounds to 0
  return {static_cast<std::int32_t>(m), exponent};
}

ActivationRanges measure_ranges(const FloatEngine& engine, const std::vector<FloatTensor>& inputs, int threads) {
  const size_t n_layers = engine.network().layers().size();
  const int workers = std::max(1, threads);
  std::vector<std::vector<float>> lo(static_cast<size_t>(workers), std::vector<float>(n_layers, std::numeric_limits<float>::max()));
  std::vector<std::vector<float>> hi(static_cast<size_t>(workers), std::vector<float>(n_layers, std::numeric_limits<float>::lowest()));
  parallel_for(inputs.size(), workers, [&](size_t i, int w) {
    std::vector<FloatTensor> act;
    engine.run(inputs[i], &act);
    for (size_t l = 0; l < n_layers; ++l)
      for (float v : act[l]) {
        lo[static_cast<size_t>(w)][l] = std::min(lo[static_cast<size_t>(w)][l], v);
        hi[static_cast<size_t>(w)][l] = std::max(hi[static_cast<size_t>(w)][l], v);
      }
  });
  // min and max are order-independent: the merge gives the same ranges for any thread count.
  ActivationRanges r{lo[0], hi[0]};
  for (size_t w = 1; w < lo.size(); ++w)
    for (size_t l = 0; l < n_layers; ++l) {
      r.min[l] = std::min(r.min[l], lo[w][l]);
      r.max[l] = std::max(r.max[l], hi[w][l]);
    }
  for (size_t l = 0; l < n_layers; ++l)
    if (r.min[l] > r.max[l]) r.min[l] = r.max[l] = 0.0f;  // no calibration images
  return r;
}

QuantParams QuantizedNetwork::params_for_range(float lo, float hi) const {
  // The range always contains 0, so real zero (padding, Relu) has an exact code.
  const double a = std::min(0.0f, lo), b = std::max(0.0f, hi);
  QuantParams p;
  if (scheme_ == Scheme::TfUint8) {
    const double step = (b - a) / 255.0;
    if (step <= 0.0) return p;
    p.scale = static_cast<float>(step);
    p.zero_point = static_cast<int>(std::clamp<long>(std::lround(-a / p.scale), 0, 255));
  } else {
    const double m = std::max(-a, b);
    if (m <= 0.0) return p;
    p.scale = static_cast<float>(m / 127.0);
  }
  return p;
}

int QuantizedNetwork::quantize_value(float x, QuantParams p) const {
  const double q = std::nearbyint(static_cast<double>(x) / p.scale) + p.zero_point;
  return static_cast<int>(std::clamp<double>(q, code_min(), code_max()));
}

QuantizedNetwork::QuantizedNetwork(NetworkPtr net, Scheme scheme, const ActivationRanges& ranges)
    : net_(std::move(net)), scheme_(scheme), ranges_(ranges), layers_(net_->layers().size()) {
  const auto& L = net_->layers();
  if (ranges_.min.size() != L.size() || ranges_.max.size() != L.size())
    throw Error("network '" + net_->name() + "': activation ranges do not match the layers");
  for (const Layer& l : L) {
    QuantizedLayer& q = layers_[static_cast<size_t>(l.id)];
    q.out_min = code_min();
    q.out_max = code_max();
    const bool computes = l.op == OpKind::Conv || l.op == OpKind::FullyConnected || l.op == OpKind::Add ||
                          l.op == OpKind::Concat || l.op == OpKind::Input;
    if (computes) {
      // A Relu/Clip that alone consumes this output is fused: its (non-negative)
      // range gives the codes, so no resolution goes to values it would clamp.
      int range_of = l.id;
      if (l.op != OpKind::Concat && l.op != OpKind::Input && l.successors.size() == 1) {
        const Layer& s = net_->layer(l.successors[0]);
        if (s.op == OpKind::Relu || s.op == OpKind::Clip) range_of = s.id;
      }
      q.output = params_for_range(ranges_.min[static_cast<size_t>(range_of)], ranges_.max[static_cast<size_t>(range_of)]);
    } else {
      q.output = layers_[static_cast<size_t>(l.predecessors[0])].output;  // same grid as the input
    }
    if (l.op == OpKind::Relu) q.out_min = q.output.zero_point;
    if (l.op == OpKind::Clip) {
      q.out_min = quantize_value(l.clip_min, q.output);
      q.out_max = quantize_value(l.clip_max, q.output);
    }
    // The fused activation's clamp also applies where the values are produced.
    if (computes && l.successors.size() == 1 && l.op != OpKind::Concat && l.op != OpKind::Input) {
      const Layer& s = net_->layer(l.successors[0]);
      if (s.op == OpKind::Relu) q.out_min = q.output.zero_point;
      if (s.op == OpKind::Clip) {
        q.out_min = quantize_value(s.clip_min, q.output);
        q.out_max = quantize_value(s.clip_max, q.output);
      }
    }
    if (l.op == OpKind::Conv || l.op == OpKind::FullyConnected) quantize_weights(l, q);
    if (l.op == OpKind::Add) {
      const QuantParams a = layers_[static_cast<size_t>(l.predecessors[0])].output;
      const QuantParams b = layers_[static_cast<size_t>(l.predecessors[1])].output;
      const double twice_max = 2.0 * std::max(a.scale, b.scale);
      q.input_rescale = {quantize_multiplier(a.scale / twice_max), quantize_multiplier(b.scale / twice_max)};
      q.output_rescale = quantize_multiplier(twice_max / ((1 << 20) * static_cast<double>(q.output.scale)));
    }
    if (l.op == OpKind::Concat)
      for (int p : l.predecessors)
        q.input_rescale.push_back(
            quantize_multiplier(static_cast<double>(layers_[static_cast<size_t>(p)].output.scale) / q.output.scale));
  }
}

void QuantizedNetwork::quantize_weights(const Layer& l, QuantizedLayer& q) const {
  const LayerWeights& lw = net_->weights(l.id);
  const size_t channels = static_cast<size_t>(l.out_channels);
  const size_t per_channel = lw.weights.size() / channels;
  const QuantParams in = layers_[static_cast<size_t>(l.predecessors[0])].output;
  q.weight_codes.resize(lw.weights.size());
  q.weight_scales.resize(channels);
  std::vector<QuantParams> wp(channels);
  if (scheme_ == Scheme::TfUint8) {  // one asymmetric grid for the whole tensor
    const auto [lo, hi] = std::minmax_element(lw.weights.begin(), lw.weights.end());
    QuantParams p;
    const double a = std::min(0.0f, *lo), b = std::max(0.0f, *hi);
    if (b > a) {
      p.scale = static_cast<float>((b - a) / 255.0);
      p.zero_point = static_cast<int>(std::clamp<long>(std::lround(-a / p.scale), 0, 255));
    }
    std::fill(wp.begin(), wp.end(), p);
    q.weight_zero_point = p.zero_point;
  } else {  // symmetric per output channel, codes -127..127
    for (size_t c = 0; c < channels; ++c) {
      float m = 0.0f;
      for (size_t i = 0; i < per_channel; ++i) m = std::max(m, std::fabs(lw.weights[c * per_channel + i]));
      if (m > 0.0f) wp[c].scale = m / 127.0f;
    }
  }
  q.bias.resize(channels);
  q.weight_sums.assign(channels, 0);
  q.requant.resize(channels);
  const int lo_code = scheme_ == Scheme::TfUint8 ? 0 : -127, hi_code = scheme_ == Scheme::TfUint8 ? 255 : 127;
  for (size_t c = 0; c < channels; ++c) {
    q.weight_scales[c] = wp[c].scale;
    for (size_t i = 0; i < per_channel; ++i) {
      const double v = std::nearbyint(static_cast<double>(lw.weights[c * per_channel + i]) / wp[c].scale) + wp[c].zero_point;
      const int code = static_cast<int>(std::clamp<double>(v, lo_code, hi_code));
      q.weight_codes[c * per_channel + i] = static_cast<std::uint8_t>(code & 0xff);
      q.weight_sums[c] += code;
    }
    const double acc_scale = static_cast<double>(in.scale) * wp[c].scale;
    const double b = std::nearbyint(lw.bias[c] / acc_scale);
    q.bias[c] = static_cast<std::int32_t>(std::clamp<double>(b, INT32_MIN, INT32_MAX));
    q.requant[c] = quantize_multiplier(acc_scale / q.output.scale);
  }
}

std::vector<std::uint8_t> QuantizedNetwork::quantize_input(const FloatTensor& x) const {
  const QuantParams p = layers_.front().output;
  std::vector<std::uint8_t> codes(x.size());
  for (size_t i = 0; i < x.size(); ++i) codes[i] = static_cast<std::uint8_t>(quantize_value(x[i], p) & 0xff);
  return codes;
}

std::vector<float> QuantizedNetwork::dequantize(int layer_id, const std::vector<std::uint8_t>& codes) const {
  const QuantParams p = layer(layer_id).output;
  std::vector<float> out(codes.size());
  for (size_t i = 0; i < codes.size(); ++i) out[i] = p.scale * static_cast<float>(value(codes[i]) - p.zero_point);
  return out;
}

}  // namespace alwann::nn
