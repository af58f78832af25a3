#pragma once
// The integer engine's layer operations on a batch of B images (internal to
// nn/). Feature maps of a batch use the batched layout: a per-image tensor of
// shape {d0, d1, ...} is stored as [d0][B][d1...], so a convolution's output
// channel n over all B images is one contiguous row (the channel-major GEMM
// output) and its input channel planes sit B images apart. With B = 1 this is
// the plain per-image layout.
#include <cstdint>
#include <vector>

#include "nn/IntegerInference.hpp"
#include "nn/kernels/Requantize.hpp"

namespace alwann::nn::batched {

// Scratch buffers reused across layers and batches (they only grow).
struct Scratch {
  std::vector<std::uint8_t> xt;
  std::vector<std::int32_t> c, sumx;
  std::vector<std::uint16_t> sumx16;
};

// Per-image tensor shape {d0, rest...}: d0 and the product of the rest.
std::int64_t outer_dim(const Shape& s);
std::int64_t inner_size(const Shape& s);

// Gathers B per-image tensors into the batched layout, and one image back out.
void to_batch(const Shape& s, const Codes* const* images, int B, Codes& out);
Codes from_batch(const Shape& s, int B, const Codes& batch, int b);
// Flatten / Reshape: the same elements of each image under another shape.
void relayout(const Shape& from, const Shape& to, int B, const Codes& in, Codes& out);

// Convolution: per group, im2col of all B images side by side (M = B * OH*OW),
// one GEMM, the zero-point cross terms and requantisation per output channel.
void conv(const Layer& l, int B, const std::vector<PreparedGemm>& gemms, const std::vector<RequantRow>& rows,
          std::uint8_t pad_code, const Codes& in, Codes& out, Scratch& s, KernelPath path);
// Fully connected on a flat {F} input ([F][B] is already the K x B operand matrix).
void fully_connected(int B, const PreparedGemm& gemm, const std::vector<RequantRow>& rows, const Codes& in, Codes& out,
                     Scratch& s, KernelPath path);
// Max / average pooling on the input's grid (zero point z, code range [lo, hi]).
void pool(const Layer& l, int B, bool is_signed, int z, const Codes& in, Codes& out);
// Relu / Clip: clamp of code values to [lo, hi].
void clamp_codes(bool is_signed, int lo, int hi, const Codes& in, Codes& out);

}  // namespace alwann::nn::batched
