#pragma once
// Bit-true integer GEMM on raw 8-bit codes, with the products of an
// approximate 8x8 multiplier (rtl::ProductTable) or exact ones.
//
//   c[m*N + n] = sum_k table.value(w[n*K + k], x[m*K + k])
//
// W is N x K row-major (one row per output channel), X is M x K row-major
// (one im2col row per output pixel). The weight drives port A, the
// activation port B (reference §3). Zero-point cross terms (reference §2) are
// the caller's business: these kernels sum raw products only.
//
// Sums are exact int32 (no saturation, no rounding) on every path, so all
// paths agree bit for bit; K <= kMaxGemmK keeps |c| < 2^31 for any table.
// Kernels are single-threaded and deterministic; the caller threads over
// images or output channels.
//
// Which call per layer: the inference engine should build one PreparedGemm
// per (layer, multiplier) and call run_xt() (or run()) per image. The free
// functions approx_gemm()/exact_gemm() rebuild it on every call (about 128 KB
// of table re-layout) and are meant for tests and one-off use.
//
// Paths. Portable: plain C++ table lookups with each weight's 512-byte product
// row hot in L1, several channels per activation load (bench_kernels: about
// 2.5-4e9 MAC/s per core on an AVX2 AMD EPYC), exact products auto-vectorised.
// Avx512: 64 activations per vpermi2b pair from byte-plane rows, vpdpbusd for
// exact products (GemmImpl.hpp, *_avx512.cpp). More output pixels per call
// (several images' im2col columns side by side, as the engine does) help
// both paths.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "rtl/ProductTable.hpp"

namespace alwann::nn {

enum class KernelPath { Portable, Avx512 };

// Largest reduction length: 32768 * 65535 < 2^31.
constexpr int kMaxGemmK = 32768;

// True when the CPU has AVX-512 F/BW/VL/DQ/VBMI/VNNI (what *_avx512.cpp needs).
bool cpu_has_avx512_kernels();
// "portable" or "avx512" (case-sensitive); anything else -> alwann::Error.
KernelPath parse_kernel_path(const std::string& name);
const char* to_string(KernelPath path);
// Avx512 when the CPU supports it, else Portable. The environment variable
// ALWANN_KERNEL=portable|avx512 overrides; avx512 on a CPU without it, or an
// unknown value, throws alwann::Error.
KernelPath best_kernel_path();

// A multiplier's product table laid out once for a kernel path; every
// PreparedGemm built from it shares the layout (about 192 KB and a pass over
// the 65,536 products for AVX-512), so layers and groups that use the same
// multiplier prepare it once. Cheap to copy.
class PreparedTable {
 public:
  explicit PreparedTable(const rtl::ProductTable& table, KernelPath path = best_kernel_path());
  KernelPath path() const;

  struct Impl;
  const std::shared_ptr<const Impl>& impl() const { return impl_; }

 private:
  std::shared_ptr<const Impl> impl_;
};

// Weights of one layer laid out once for a kernel path. Cheap to copy
// (shared, immutable); run()/run_xt() are const and thread-safe.
class PreparedGemm {
 public:
  // Approximate products from `table`. An exact table (table.is_exact())
  // is routed to the exact kernel, which gives the same sums.
  static PreparedGemm approx(const rtl::ProductTable& table, const std::uint8_t* w, int N, int K,
                             KernelPath path = best_kernel_path());
  // The same from a table already laid out (on its path).
  static PreparedGemm approx(const PreparedTable& table, const std::uint8_t* w, int N, int K);
  // Exact products of the codes: unsigned x unsigned, or int8 x int8 when is_signed.
  static PreparedGemm exact(bool is_signed, const std::uint8_t* w, int N, int K,
                            KernelPath path = best_kernel_path());

  int N() const;
  int K() const;
  KernelPath path() const;

  // X: M x K row-major. c: M x N row-major (c[m*N + n]).
  void run(const std::uint8_t* x, int M, std::int32_t* c) const;
  // XT: K x M row-major (xt[k*M + m], the im2col "columns" layout). The
  // approximate kernels look up 64 pixels of one k at once, so this layout
  // saves the transpose run() does internally: prefer it for convolutions.
  void run_xt(const std::uint8_t* xt, int M, std::int32_t* c) const;
  // XT: K x M. c: N x M, channel-major (c[n*M + m]): the layout of the
  // inference engine's feature maps, so no transpose follows.
  void run_xt_channels(const std::uint8_t* xt, int M, std::int32_t* c) const;

  struct Impl;

 private:
  explicit PreparedGemm(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// One-off forms (they build a PreparedGemm per call).
void approx_gemm(const rtl::ProductTable& table, const std::uint8_t* w, const std::uint8_t* x,
                 int M, int N, int K, std::int32_t* c, KernelPath path = best_kernel_path());
void exact_gemm(bool is_signed, const std::uint8_t* w, const std::uint8_t* x,
                int M, int N, int K, std::int32_t* c, KernelPath path = best_kernel_path());

}  // namespace alwann::nn
