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

// Calls row(plane, ky, kx, out) for every row of one group's operand
// matrix: channel planes `plane_stride` elements apart, matrix rows
// `row_stride` elements apart.
template <typename T, typename RowFn>
void for_each_tap_row(const Layer& l, const T* input, std::int64_t plane_stride, int group, T* xt,
                      std::int64_t row_stride, RowFn row_fn) {
  const int cin_per_group = l.in_channels / l.groups;
  std::int64_t row = 0;
  for (int c = 0; c < cin_per_group; ++c) {
    const T* plane = input + static_cast<std::int64_t>(group * cin_per_group + c) * plane_stride;
    for (int ky = 0; ky < l.kernel_h; ++ky)
      for (int kx = 0; kx < l.kernel_w; ++kx, ++row) row_fn(plane, ky, kx, xt + row * row_stride);
  }
}

// Stride 1 with the output the size of the input ("same" padding, the
// common 3x3 case): the row is the whole input plane shifted by (dy, dx),
// i.e. one contiguous copy, after which the taps that fell into the padding
// (whole rows at the top or bottom, |dx| columns at a side, where the copy
// wrapped around a row end) are overwritten with pad_value.
template <typename T>
void same_size_row(const Layer& l, const T* plane, int ky, int kx, T pad_value, T* out) {
  const int H = l.input_shape[1], W = l.input_shape[2];
  const std::int64_t HW = static_cast<std::int64_t>(H) * W;
  const int dy = ky * l.dilation_h - l.pad_top, dx = kx * l.dilation_w - l.pad_left;
  const int y0 = std::clamp(-dy, 0, H), y1 = std::clamp(H - dy, y0, H);
  std::fill(out, out + static_cast<std::int64_t>(y0) * W, pad_value);
  std::fill(out + static_cast<std::int64_t>(y1) * W, out + HW, pad_value);
  if (y1 == y0) return;
  // Source elements outside the plane land only in padded columns.
  const std::int64_t begin = static_cast<std::int64_t>(y0 + dy) * W + dx;
  const std::int64_t end = std::min(begin + static_cast<std::int64_t>(y1 - y0) * W, HW);
  const std::int64_t skip = begin < 0 ? -begin : 0;
  T* o = out + static_cast<std::int64_t>(y0) * W;
  if (end > begin + skip) std::copy(plane + begin + skip, plane + end, o + skip);
  // Column by column: a fill of one or two taps per row would be a library
  // call each (GCC turns it into memset), which cost more than the copy.
  const int left = std::clamp(-dx, 0, W), right = std::clamp(W - dx, left, W);
  auto pad_column = [&](int x) {
    for (int y = y0; y < y1; ++y) out[static_cast<std::int64_t>(y) * W + x] = pad_value;
  };
  for (int x = 0; x < left; ++x) pad_column(x);
  for (int x = right; x < W; ++x) pad_column(x);
}

// The output columns [lo, hi) whose tap (input column x0 + ox * sw) lies
// inside an input row of width W; the same for every row of a tap.
struct TapColumns {
  int lo, hi;
};
inline TapColumns tap_columns(int x0, int sw, int W, int OW) {
  const int lo = x0 >= 0 ? 0 : std::min(OW, (-x0 + sw - 1) / sw);
  return {lo, std::max(lo, std::min(OW, W - x0 <= 0 ? 0 : (W - x0 - 1) / sw + 1))};
}

// One output row's taps inside the input row: o[ox] = row[x0 + ox * S] for
// ox in [lo, hi). A constant stride lets the compiler vectorise the gather.
template <int S, typename T>
void strided_taps(const T* row, int x0, int lo, int hi, int sw, T* o) {
  const int step = S > 0 ? S : sw;
  for (int ox = lo; ox < hi; ++ox) o[ox] = row[x0 + ox * step];
}

// Any stride and output size: the row is filled with pad_value once, then
// output row by output row the taps inside the input are gathered (the
// columns whose tap lies inside a row, [lo, hi), are the same for every row).
template <typename T>
void general_row(const Layer& l, const T* plane, int ky, int kx, T pad_value, T* out) {
  const int H = l.input_shape[1], W = l.input_shape[2];
  const int OH = l.output_shape[1], OW = l.output_shape[2];
  const int x0 = kx * l.dilation_w - l.pad_left, y0 = ky * l.dilation_h - l.pad_top, sw = l.stride_w;
  const auto [lo, hi] = tap_columns(x0, sw, W, OW);
  std::fill(out, out + static_cast<std::int64_t>(OH) * OW, pad_value);
  if (hi == lo) return;
  for (int oy = 0; oy < OH; ++oy) {
    const int iy = oy * l.stride_h + y0;
    if (iy < 0 || iy >= H) continue;
    const T* row = plane + static_cast<std::int64_t>(iy) * W;
    T* o = out + static_cast<std::int64_t>(oy) * OW;
    if (sw == 1) strided_taps<1>(row, x0, lo, hi, sw, o);
    else if (sw == 2) strided_taps<2>(row, x0, lo, hi, sw, o);
    else strided_taps<0>(row, x0, lo, hi, sw, o);
  }
}

// The core: channel planes `plane_stride` elements apart, matrix rows
// `row_stride` elements apart (>= OH*OW). Several images side by side in one
// matrix (the batched engine) are several calls with offset pointers.
inline bool same_size_conv(const Layer& l) {
  return l.stride_h == 1 && l.stride_w == 1 && l.output_shape[1] == l.input_shape[1] &&
         l.output_shape[2] == l.input_shape[2];
}

template <typename T>
void im2col_strided(const Layer& l, const T* input, std::int64_t plane_stride, int group, T pad_value, T* xt,
                    std::int64_t row_stride) {
  if (same_size_conv(l))
    for_each_tap_row(l, input, plane_stride, group, xt, row_stride,
                     [&](const T* plane, int ky, int kx, T* out) { same_size_row(l, plane, ky, kx, pad_value, out); });
  else
    for_each_tap_row(l, input, plane_stride, group, xt, row_stride,
                     [&](const T* plane, int ky, int kx, T* out) { general_row(l, plane, ky, kx, pad_value, out); });
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
