#pragma once
// The operand matrix of a convolution: the "columns" layout, K x M row-major
// (xt[k*M + m]), k = (c, ky, kx) within one group (the ONNX weight order, so
// weight row n of the group pairs with column m of this matrix), m = output
// pixel oy*OW + ox. Taps in the padding take `pad_value` (0.0 for float, the
// activation zero point for quantised codes; reference §2).
//
// The same order is the operand stream of a weight-stationary array: row k of
// the matrix is what PE row k sees over time (reference §5).
#include <algorithm>
#include <cstdint>
#include <vector>

#include "nn/Layer.hpp"

namespace alwann::nn {

// The core: channel planes `plane_stride` elements apart, matrix rows
// `row_stride` elements apart (>= OH*OW). Several images side by side in one
// matrix (the batched engine) are several calls with offset pointers.
template <typename T>
void im2col_strided(const Layer& l, const T* input, std::int64_t plane_stride, int group, T pad_value, T* xt,
                    std::int64_t row_stride) {
  const int H = l.input_shape[1], W = l.input_shape[2];
  const int OH = l.output_shape[1], OW = l.output_shape[2];
  const int cin_per_group = l.in_channels / l.groups;
  std::int64_t row = 0;
  for (int c = 0; c < cin_per_group; ++c) {
    const T* plane = input + static_cast<std::int64_t>(group * cin_per_group + c) * plane_stride;
    for (int ky = 0; ky < l.kernel_h; ++ky)
      for (int kx = 0; kx < l.kernel_w; ++kx, ++row) {
        T* out = xt + row * row_stride;
        for (int oy = 0; oy < OH; ++oy) {
          const int iy = oy * l.stride_h + ky * l.dilation_h - l.pad_top;
          T* o = out + oy * OW;
          if (iy < 0 || iy >= H) {
            for (int ox = 0; ox < OW; ++ox) o[ox] = pad_value;
            continue;
          }
          // Columns whose tap lies inside the row: ox in [lo, hi).
          const int x0 = kx * l.dilation_w - l.pad_left, sw = l.stride_w;
          const int lo = x0 >= 0 ? 0 : std::min(OW, (-x0 + sw - 1) / sw);
          const int hi = std::max(lo, std::min(OW, W - x0 <= 0 ? 0 : (W - x0 - 1) / sw + 1));
          const T* src = plane + static_cast<std::int64_t>(iy) * W;
          for (int ox = 0; ox < lo; ++ox) o[ox] = pad_value;
          if (sw == 1) {
            if (hi > lo) std::copy(src + lo + x0, src + hi + x0, o + lo);
          } else {
            for (int ox = lo; ox < hi; ++ox) o[ox] = src[ox * sw + x0];
          }
          for (int ox = hi; ox < OW; ++ox) o[ox] = pad_value;
        }
      }
  }
}

template <typename T>
void im2col_columns(const Layer& l, const T* input, int group, T pad_value, T* xt) {
  im2col_strided(l, input, static_cast<std::int64_t>(l.input_shape[1]) * l.input_shape[2], group, pad_value, xt,
                 l.gemm_m);
}

// Convenience: the whole K x M matrix of one group as a new vector.
template <typename T>
std::vector<T> im2col_columns(const Layer& l, const T* input, int group, T pad_value) {
  std::vector<T> xt(static_cast<size_t>(l.gemm_k) * l.gemm_m);
  im2col_columns(l, input, group, pad_value, xt.data());
  return xt;
}

}  // namespace alwann::nn
