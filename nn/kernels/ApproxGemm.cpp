// Kernel path selection, weight preparation and dispatch for PreparedGemm.
#include "nn/kernels/ApproxGemm.hpp"

#include <cstdlib>
#include <vector>

#include "common/Error.hpp"
#include "nn/kernels/GemmImpl.hpp"

namespace alwann::nn {

bool cpu_has_avx512_kernels() {
#if defined(__x86_64__) || defined(__i386__)
  static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                          __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
                          __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512vnni");
  return has;
#else
  return false;
#endif
}

KernelPath parse_kernel_path(const std::string& name) {
  if (name == "portable") return KernelPath::Portable;
  if (name == "avx512") return KernelPath::Avx512;
  throw Error("ALWANN_KERNEL: unknown kernel path '" + name + "' (expected portable or avx512)");
}

const char* to_string(KernelPath path) { return path == KernelPath::Avx512 ? "avx512" : "portable"; }

KernelPath best_kernel_path() {
  // Read on every call (cheap) so tests and users can switch paths at run time.
  if (const char* env = std::getenv("ALWANN_KERNEL"); env && *env) {
    const KernelPath path = parse_kernel_path(env);
    if (path == KernelPath::Avx512 && !cpu_has_avx512_kernels())
      throw Error("ALWANN_KERNEL=avx512: this CPU lacks AVX-512 F/BW/VL/DQ/VBMI/VNNI");
    return path;
  }
  return cpu_has_avx512_kernels() ? KernelPath::Avx512 : KernelPath::Portable;
}

namespace {

void check_shape(const char* what, int N, int K) {
  if (N < 0 || K < 0 || K > kMaxGemmK)
    throw Error(std::string(what) + ": bad GEMM shape N=" + std::to_string(N) + " K=" + std::to_string(K) +
                " (need N, K >= 0 and K <= " + std::to_string(kMaxGemmK) + ")");
}

void check_path(KernelPath path) {
  // Guards the rule that *_avx512.cpp code only runs after a CPU check.
  if (path == KernelPath::Avx512 && !cpu_has_avx512_kernels())
    throw Error("AVX-512 kernel requested on a CPU without AVX-512 F/BW/VL/DQ/VBMI/VNNI");
}

}  // namespace

PreparedTable::PreparedTable(const rtl::ProductTable& table, KernelPath path) {
  check_path(path);
  auto t = std::make_shared<Impl>();
  t->path = path;
  t->is_signed = table.is_signed();
  t->exact = table.is_exact();
  if (t->exact) {
    // nothing to lay out: GEMMs of an exact table take the exact kernel
  } else if (path == KernelPath::Avx512) {
    kernels::prepare_planes(table, *t);
  } else {
    t->table = table.data();
  }
  impl_ = std::move(t);
}

KernelPath PreparedTable::path() const { return impl_->path; }

PreparedGemm PreparedGemm::approx(const rtl::ProductTable& table, const std::uint8_t* w, int N, int K,
                                  KernelPath path) {
  return approx(PreparedTable(table, path), w, N, K);
}

PreparedGemm PreparedGemm::approx(const PreparedTable& table, const std::uint8_t* w, int N, int K) {
  check_shape("approx GEMM", N, K);
  const PreparedTable::Impl& t = *table.impl();
  std::vector<std::uint8_t> codes(w, w + static_cast<std::size_t>(N) * K);
  if (t.exact) return PreparedGemm(kernels::make_exact(t.is_signed, std::move(codes), N, K, t.path));
  auto p = std::make_shared<Impl>();
  p->N = N;
  p->K = K;
  p->path = t.path;
  p->is_signed = t.is_signed;
  p->w = std::move(codes);
  p->table = table.impl();
  if (t.path == KernelPath::Avx512) kernels::prepare_entries(*p);
  return PreparedGemm(std::move(p));
}

PreparedGemm PreparedGemm::exact(bool is_signed, const std::uint8_t* w, int N, int K, KernelPath path) {
  check_shape("exact GEMM", N, K);
  check_path(path);
  return PreparedGemm(kernels::make_exact(is_signed, std::vector<std::uint8_t>(w, w + static_cast<std::size_t>(N) * K), N, K, path));
}

int PreparedGemm::N() const { return impl_->N; }
int PreparedGemm::K() const { return impl_->K; }
KernelPath PreparedGemm::path() const { return impl_->path; }

namespace {

void dispatch(const PreparedGemm::Impl& p, const std::uint8_t* xt, int M, std::int32_t* c, kernels::OutputStrides o) {
  if (M < 0) throw Error("GEMM: negative M");
  if (p.exact) {
    if (p.path == KernelPath::Avx512)
      kernels::run_exact_avx512(p, xt, M, c, o);
    else
      kernels::exact_xt_portable(p, xt, M, c, o);
  } else if (p.path == KernelPath::Avx512) {
    kernels::run_approx_avx512(p, xt, M, c, o);
  } else {
    kernels::approx_xt_portable(p, xt, M, c, o);
  }
}

}  // namespace

void PreparedGemm::run(const std::uint8_t* x, int M, std::int32_t* c) const {
  const Impl& p = *impl_;
  if (M < 0) throw Error("GEMM: negative M");
  if (p.exact && p.path == KernelPath::Portable) {  // reduces along k: M x K is its own layout
    kernels::exact_portable(p, x, M, c, {p.N, 1});
    return;
  }
  std::vector<std::uint8_t> xt(static_cast<std::size_t>(M) * p.K);
  kernels::transpose_bytes(x, M, p.K, xt.data());
  dispatch(p, xt.data(), M, c, {p.N, 1});
}

void PreparedGemm::run_xt(const std::uint8_t* xt, int M, std::int32_t* c) const {
  dispatch(*impl_, xt, M, c, {impl_->N, 1});
}

void PreparedGemm::run_xt_channels(const std::uint8_t* xt, int M, std::int32_t* c) const {
  dispatch(*impl_, xt, M, c, {1, M});
}

void approx_gemm(const rtl::ProductTable& table, const std::uint8_t* w, const std::uint8_t* x, int M, int N,
                 int K, std::int32_t* c, KernelPath path) {
  PreparedGemm::approx(table, w, N, K, path).run(x, M, c);
}

void exact_gemm(bool is_signed, const std::uint8_t* w, const std::uint8_t* x, int M, int N, int K,
                std::int32_t* c, KernelPath path) {
  PreparedGemm::exact(is_signed, w, N, K, path).run(x, M, c);
}

}  // namespace alwann::nn
