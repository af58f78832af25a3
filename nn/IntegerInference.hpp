#pragma once
// The bit-true integer inference engine. Every approximable layer computes
// its products with a chosen multiplier (rtl::ProductTable: weight code on
// port A, activation code on port B, reference §3) or exactly; the
// zero-point cross terms, bias, requantisation, pooling, Add and Concat are
// exact integer arithmetic (docs/nn.md). Deterministic: one image is one
// independent computation, so any thread count and any batch size give the
// same codes. Images run in batches (nn/IntegerLayers.hpp): a batch's im2col
// matrices sit side by side, so each layer is one wide GEMM per batch.
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "nn/Quantization.hpp"
#include "nn/kernels/ApproxGemm.hpp"
#include "nn/kernels/Requantize.hpp"
#include "rtl/ProductTable.hpp"

namespace alwann::nn {

namespace batched {
struct Scratch;
}

using Codes = std::vector<std::uint8_t>;  // one tensor of one image, raw 8-bit codes
using WeightRemap = std::array<std::uint8_t, 256>;
WeightRemap identity_remap();

// How one approximable layer multiplies.
struct LayerMultiplier {
  rtl::ProductTablePtr table;              // nullptr: exact products (the exact integer path)
  WeightRemap weight_remap = identity_remap();  // weight update: the code stored for each quantised weight code
};

class IntegerEngine {
 public:
  // `multipliers` is indexed by layer id (missing entries and non-approximable
  // layers are exact). A table's signedness must match the scheme.
  IntegerEngine(QuantizedNetworkPtr q, std::vector<LayerMultiplier> multipliers = {},
                KernelPath path = best_kernel_path());

  // One image's input codes (QuantizedNetwork::quantize_input). Returns the
  // output layer's codes; `activations`, if given, receives every layer's
  // output codes by layer id (a layer's input codes are its predecessors'
  // outputs). Thread-safe.
  Codes run(const Codes& input, std::vector<Codes>* activations = nullptr) const;
  // Index of the largest output code value (the first one on ties).
  int classify(const Codes& input) const;
  // run() / classify() of every input, `batch` images at a time on
  // `threads` threads; the same codes as one image at a time.
  std::vector<Codes> run(const std::vector<Codes>& inputs, int threads, int batch = kDefaultBatch) const;
  std::vector<int> classify(const std::vector<Codes>& inputs, int threads, int batch = kDefaultBatch) const;

  // A batch of `images` images in flight: every layer's output so far by
  // layer id, in the batched layout (nn/IntegerLayers.hpp). The search's
  // prefix cache saves the outputs a later layer still needs and restarts
  // other candidates from them (optimizer/ActivationCache).
  struct BatchState {
    int images = 0;
    std::vector<Codes> act;
    std::shared_ptr<batched::Scratch> scratch;
  };
  BatchState start_batch(const Codes* const* inputs, int B) const;  // only the Input layer's output set
  // The same into `st`, reusing its buffers (they only grow) from an earlier batch.
  void start_batch(const Codes* const* inputs, int B, BatchState& st) const { load_batch(inputs, B, st); }
  void run_layers(BatchState& s, int first, int last) const;        // layers [first, last), in order
  int classify_in_batch(const BatchState& s, int b) const;          // image b's class after the last layer

  // Images per batch: wide enough that the 7x7 layers fill the AVX-512
  // kernels' 64-pixel vectors, small enough that a batch's operand matrices
  // stay in L2 (bench_inference measures batch sizes).
  static constexpr int kDefaultBatch = 16;

  const QuantizedNetwork& quantized() const { return *q_; }
  const QuantizedNetworkPtr& quantized_ptr() const { return q_; }
  const LayerMultiplier& multiplier(int layer_id) const { return mult_.at(static_cast<size_t>(layer_id)); }
  // The weight codes that drive port A in layer `layer_id` (quantised codes
  // after the weight remap; layout of LayerWeights::weights).
  const Codes& port_a_weights(int layer_id) const { return port_a_.at(static_cast<size_t>(layer_id)); }

 private:
  // Runs B images (batched layout); act[id] receives each layer's output.
  void run_batch(const Codes* const* inputs, int B, BatchState& ws) const;
  void load_batch(const Codes* const* inputs, int B, BatchState& st) const;
  int argmax(const Codes& out) const;

  QuantizedNetworkPtr q_;
  std::vector<LayerMultiplier> mult_;
  std::vector<Codes> port_a_;
  KernelPath path_;
  std::vector<std::vector<PreparedGemm>> gemm_;  // [layer][group]
  std::vector<std::vector<RequantRow>> rows_;     // [layer][output channel]: cross terms, bias, requantisation
  std::vector<AddRequant> add_;                   // [layer], Add layers
};

// Histogram of the activation codes that reach port B of each approximable
// layer (the im2col operand stream, padding taps included) over `inputs`,
// computed with exact products. Indexed by layer id; code bytes as index.
using CodeHistogram = std::array<std::uint64_t, 256>;
std::vector<CodeHistogram> activation_histograms(const IntegerEngine& exact_engine,
                                                 const std::vector<Codes>& inputs, int threads);

}  // namespace alwann::nn
