#include "nn/FloatInference.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/Error.hpp"
#include "nn/Im2col.hpp"
#include "nn/kernels/FloatGemm.hpp"
#include "nn/PoolingWindow.hpp"

namespace alwann::nn {

namespace {

// Per group: im2col, then the GEMM (nn/kernels/FloatGemm.hpp).
void conv(const Layer& l, const LayerWeights& p, const float* in, float* out) {
  const int M = l.gemm_m, N = l.gemm_n, K = l.gemm_k;
  thread_local std::vector<float> xt;  // grows once per thread, not per layer and image
  xt.resize(static_cast<size_t>(K) * M);
  for (int g = 0; g < l.groups; ++g) {
    im2col_columns(l, in, g, 0.0f, xt.data());
    const std::int64_t oc0 = static_cast<std::int64_t>(g) * N;
    float_gemm(p.weights.data() + oc0 * K, p.bias.data() + oc0, xt.data(), N, K, M, out + oc0 * M);
  }
}

void fully_connected(const Layer& l, const LayerWeights& p, const float* in, float* out) {
  const int K = l.gemm_k;
  for (int n = 0; n < l.gemm_n; ++n) {
    const float* w = p.weights.data() + static_cast<std::int64_t>(n) * K;
    float s = p.bias[static_cast<size_t>(n)];
    for (int k = 0; k < K; ++k) s += w[k] * in[k];
    out[n] = s;
  }
}

void pool(const Layer& l, const float* in, float* out) {
  const int C = l.input_shape[0], H = l.input_shape[1], W = l.input_shape[2];
  const int OH = l.output_shape[1], OW = l.output_shape[2];
  const bool is_max = l.op == OpKind::MaxPool;
  for (int c = 0; c < C; ++c) {
    const float* plane = in + static_cast<std::int64_t>(c) * H * W;
    for (int oy = 0; oy < OH; ++oy)
      for (int ox = 0; ox < OW; ++ox) {
        const PoolWindow w = pool_window(l, oy, ox);
        float acc = is_max ? -std::numeric_limits<float>::infinity() : 0.0f;
        for (int y = w.y0; y < w.y1; ++y)
          for (int x = w.x0; x < w.x1; ++x) acc = is_max ? std::max(acc, plane[y * W + x]) : acc + plane[y * W + x];
        out[(static_cast<std::int64_t>(c) * OH + oy) * OW + ox] = is_max ? acc : acc / static_cast<float>(w.divisor);
      }
  }
}

void softmax(const Layer& l, const float* in, float* out, size_t n) {
  const float mx = *std::max_element(in, in + n);
  double sum = 0;
  for (size_t i = 0; i < n; ++i) sum += std::exp(static_cast<double>(in[i] - mx));
  for (size_t i = 0; i < n; ++i) {
    const double logp = static_cast<double>(in[i] - mx) - std::log(sum);
    out[i] = static_cast<float>(l.onnx_op == "LogSoftmax" ? logp : std::exp(logp));
  }
}

}  // namespace

FloatEngine::FloatEngine(NetworkPtr net) : net_(std::move(net)) {}

FloatTensor FloatEngine::run(const FloatTensor& input, std::vector<FloatTensor>* activations) const {
  const auto& layers = net_->layers();
  std::vector<FloatTensor> local;
  std::vector<FloatTensor>& act = activations ? *activations : local;
  act.assign(layers.size(), {});
  if (static_cast<std::int64_t>(input.size()) != element_count(net_->input().output_shape))
    throw Error("network '" + net_->name() + "': input has " + std::to_string(input.size()) + " values, expected " +
                shape_string(net_->input().output_shape));
  for (const Layer& l : layers) {
    FloatTensor& out = act[static_cast<size_t>(l.id)];
    if (l.op == OpKind::Input) {
      out = input;
      continue;
    }
    out.resize(static_cast<size_t>(element_count(l.output_shape)));
    const FloatTensor& in = act[static_cast<size_t>(l.predecessors[0])];
    switch (l.op) {
      case OpKind::Conv: conv(l, net_->weights(l.id), in.data(), out.data()); break;
      case OpKind::FullyConnected: fully_connected(l, net_->weights(l.id), in.data(), out.data()); break;
      case OpKind::Relu:
        for (size_t i = 0; i < out.size(); ++i) out[i] = std::max(in[i], 0.0f);
        break;
      case OpKind::Clip:
        for (size_t i = 0; i < out.size(); ++i) out[i] = std::min(std::max(in[i], l.clip_min), l.clip_max);
        break;
      case OpKind::Add: {
        const FloatTensor& b = act[static_cast<size_t>(l.predecessors[1])];
        for (size_t i = 0; i < out.size(); ++i) out[i] = in[i] + b[i];
        break;
      }
      case OpKind::MaxPool:
      case OpKind::AveragePool:
      case OpKind::GlobalAveragePool: pool(l, in.data(), out.data()); break;
      case OpKind::Flatten:
      case OpKind::Reshape: out = in; break;
      case OpKind::Concat: {
        size_t at = 0;
        for (int p : l.predecessors) {
          const FloatTensor& part = act[static_cast<size_t>(p)];
          std::copy(part.begin(), part.end(), out.begin() + static_cast<std::ptrdiff_t>(at));
          at += part.size();
        }
        break;
      }
      case OpKind::Softmax: softmax(l, in.data(), out.data(), out.size()); break;
      case OpKind::Input: break;
    }
    // Free what no later layer reads, unless the caller wants every activation.
    if (!activations)
      for (int p : l.predecessors)
        if (net_->layer(p).successors.back() == l.id) act[static_cast<size_t>(p)] = FloatTensor();
  }
  return act.back();
}

}  // namespace alwann::nn
