// Portable requantisation loops and the dispatch to the AVX-512 ones.
#include "nn/kernels/Requantize.hpp"

#include <algorithm>

#include "nn/kernels/Avx512Kernels.hpp"

namespace alwann::nn {
namespace {

kernels::Rescale split(FixedPointMultiplier m) {
  return {m.multiplier, m.shift > 0 ? m.shift : 0, m.shift > 0 ? 0 : -m.shift};
}

inline std::uint8_t to_code(int v, int lo, int hi) { return static_cast<std::uint8_t>(std::clamp(v, lo, hi) & 0xff); }

}  // namespace

void requantize(const std::int32_t* c, const std::int32_t* sumx, int count, const RequantRow& p, std::uint8_t* out,
                KernelPath path) {
  if (path == KernelPath::Avx512) {
    kernels::requantize_avx512({c, sumx, count, p.constant, p.zw, split(p.m), p.zero_point, p.lo, p.hi, out});
    return;
  }
  for (int i = 0; i < count; ++i) {
    // Wrapping 32-bit arithmetic, as the AVX-512 path's epi32 lanes do (plain
    // int overflow at the limits the tests feed is undefined: UBSan).
    // sumx may be null when zw == 0.
    const std::uint32_t zw_sum = p.zw != 0 ? static_cast<std::uint32_t>(p.zw) * static_cast<std::uint32_t>(sumx[i]) : 0u;
    const std::int32_t acc =
        static_cast<std::int32_t>(static_cast<std::uint32_t>(c[i]) - zw_sum + static_cast<std::uint32_t>(p.constant));
    out[i] = to_code(p.zero_point + apply_multiplier(acc, p.m), p.lo, p.hi);
  }
}

void add_requantize(const std::uint8_t* a, const std::uint8_t* b, int count, const AddRequant& p, std::uint8_t* out,
                    KernelPath path) {
  if (path == KernelPath::Avx512) {
    kernels::add_requantize_avx512({a, b, count, p.is_signed, p.za, p.zb, split(p.ma), split(p.mb), split(p.out),
                                    p.zero_point, p.lo, p.hi, out});
    return;
  }
  // Each term depends only on its 8-bit code: tabulate both once per call.
  std::int32_t ta[256], tb[256];
  for (int code = 0; code < 256; ++code) {
    const int v = p.is_signed ? static_cast<std::int8_t>(code) : code;
    ta[code] = apply_multiplier((v - p.za) * (1 << 20), p.ma);
    tb[code] = apply_multiplier((v - p.zb) * (1 << 20), p.mb);
  }
  for (int i = 0; i < count; ++i)
    out[i] = to_code(p.zero_point + apply_multiplier(ta[a[i]] + tb[b[i]], p.out), p.lo, p.hi);
}

}  // namespace alwann::nn
