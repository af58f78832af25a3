#pragma once
// Iteration over the input window of one pooling output, shared by the float
// and integer engines so both see the same taps and the same divisor.
#include <algorithm>

#include "nn/Layer.hpp"

namespace alwann::nn {

struct PoolWindow {
  int y0, y1, x0, x1;  // valid input rows [y0, y1) and columns [x0, x1)
  int divisor;         // taps an average divides by (count_include_pad counts padding)
};

inline PoolWindow pool_window(const Layer& l, int oy, int ox) {
  const int H = l.input_shape[1], W = l.input_shape[2];
  const int ys = oy * l.stride_h - l.pad_top, xs = ox * l.stride_w - l.pad_left;
  PoolWindow w;
  w.y0 = std::max(ys, 0);
  w.x0 = std::max(xs, 0);
  w.y1 = std::min(ys + l.kernel_h, H);
  w.x1 = std::min(xs + l.kernel_w, W);
  if (l.count_include_pad) {
    // ONNX counts the padded taps, never taps beyond the padding (ceil_mode).
    const int ye = std::min(ys + l.kernel_h, H + l.pad_bottom), xe = std::min(xs + l.kernel_w, W + l.pad_right);
    w.divisor = (ye - ys) * (xe - xs);
  } else {
    w.divisor = (w.y1 - w.y0) * (w.x1 - w.x0);
  }
  if (w.divisor < 1) w.divisor = 1;
  return w;
}

}  // namespace alwann::nn
