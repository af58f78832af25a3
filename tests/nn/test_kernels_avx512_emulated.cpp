// The AVX-512 kernels' logic (tail masks, byte planes, 16-bit flushes,
// vpdpbusd sign handling) checked on any CPU: their sources are compiled here
// against scalar stand-ins for the intrinsics they use, written from Intel's
// definitions, and compared with the naive table loop. test_kernels.cpp runs
// the real instructions where the CPU has them; development and CI hosts of
// this project may not (AMD EPYC with AVX2 only at the time of writing).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <tuple>
#include <vector>

#include "tests/nn/KernelTestSupport.hpp"
#include "nn/Im2col.hpp"
#include "nn/kernels/GemmImpl.hpp"

// ---- scalar stand-ins (only what the kernels use) ----
struct __m512i {  // no alignas: the real type's 64-byte alignment is irrelevant here
  std::uint8_t b[64];
};
using __mmask64 = std::uint64_t;
using __mmask16 = std::uint16_t;

namespace emu {
template <typename T>
T lane(const __m512i& v, int i) {
  T t;
  std::memcpy(&t, v.b + i * sizeof(T), sizeof(T));
  return t;
}
template <typename T>
void set_lane(__m512i& v, int i, T t) {
  std::memcpy(v.b + i * sizeof(T), &t, sizeof(T));
}
inline bool aligned64(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % 64 == 0; }
}  // namespace emu

inline __m512i _mm512_setzero_si512() { return __m512i{}; }
inline __m512i _mm512_load_si512(const void* p) {
  if (!emu::aligned64(p)) FAIL("misaligned _mm512_load_si512 (vmovdqa64 would fault)");
  __m512i r;
  std::memcpy(r.b, p, 64);
  return r;
}
inline __m512i _mm512_loadu_si512(const void* p) {
  __m512i r;
  std::memcpy(r.b, p, 64);
  return r;
}
inline void _mm512_store_si512(void* p, __m512i a) {
  if (!emu::aligned64(p)) FAIL("misaligned _mm512_store_si512 (vmovdqa64 would fault)");
  std::memcpy(p, a.b, 64);
}
inline __m512i _mm512_maskz_loadu_epi8(__mmask64 k, const void* p) {
  __m512i r{};  // masked-off bytes are zero and never read
  for (int i = 0; i < 64; ++i)
    if (k >> i & 1) r.b[i] = static_cast<const std::uint8_t*>(p)[i];
  return r;
}
inline void _mm512_mask_storeu_epi32(void* p, __mmask16 k, __m512i a) {
  for (int i = 0; i < 16; ++i)
    if (k >> i & 1) std::memcpy(static_cast<std::uint8_t*>(p) + 4 * i, a.b + 4 * i, 4);
}
inline __mmask64 _mm512_movepi8_mask(__m512i a) {
  __mmask64 k = 0;
  for (int i = 0; i < 64; ++i) k |= static_cast<__mmask64>(a.b[i] >> 7) << i;
  return k;
}
inline __m512i _mm512_mask_blend_epi8(__mmask64 k, __m512i a, __m512i b) {
  __m512i r;
  for (int i = 0; i < 64; ++i) r.b[i] = (k >> i & 1) ? b.b[i] : a.b[i];
  return r;
}
// vpermi2b: index bits 0..5 pick a byte, bit 6 picks b over a, bit 7 is ignored.
inline __m512i _mm512_permutex2var_epi8(__m512i a, __m512i idx, __m512i b) {
  __m512i r;
  for (int i = 0; i < 64; ++i) r.b[i] = (idx.b[i] & 0x40) ? b.b[idx.b[i] & 63] : a.b[idx.b[i] & 63];
  return r;
}
// Merge-masked vpermi2b: lanes whose mask bit is clear keep idx.
inline __m512i _mm512_mask2_permutex2var_epi8(__m512i a, __m512i idx, __mmask64 k, __m512i b) {
  const __m512i p = _mm512_permutex2var_epi8(a, idx, b);
  return _mm512_mask_blend_epi8(k, idx, p);
}
inline __m512i _mm512_add_epi16(__m512i a, __m512i b) {
  for (int i = 0; i < 32; ++i)
    emu::set_lane<std::uint16_t>(a, i, static_cast<std::uint16_t>(emu::lane<std::uint16_t>(a, i) + emu::lane<std::uint16_t>(b, i)));
  return a;
}
inline __m512i _mm512_srli_epi16(__m512i a, unsigned imm) {
  for (int i = 0; i < 32; ++i)
    emu::set_lane<std::uint16_t>(a, i, imm > 15 ? 0 : static_cast<std::uint16_t>(emu::lane<std::uint16_t>(a, i) >> imm));
  return a;
}
inline __m512i _mm512_add_epi32(__m512i a, __m512i b) {
  for (int i = 0; i < 16; ++i) emu::set_lane<std::uint32_t>(a, i, emu::lane<std::uint32_t>(a, i) + emu::lane<std::uint32_t>(b, i));
  return a;
}
inline __m512i _mm512_sub_epi32(__m512i a, __m512i b) {
  for (int i = 0; i < 16; ++i) emu::set_lane<std::uint32_t>(a, i, emu::lane<std::uint32_t>(a, i) - emu::lane<std::uint32_t>(b, i));
  return a;
}
inline __m512i _mm512_set1_epi32(int v) {
  __m512i r;
  for (int i = 0; i < 16; ++i) emu::set_lane<std::int32_t>(r, i, v);
  return r;
}
// vpdpbusd: each dword += four unsigned(a) x signed(b) byte products, wrapping.
inline __m512i _mm512_dpbusd_epi32(__m512i src, __m512i a, __m512i b) {
  for (int i = 0; i < 16; ++i) {
    std::uint32_t s = emu::lane<std::uint32_t>(src, i);
    for (int j = 0; j < 4; ++j)
      s += static_cast<std::uint32_t>(a.b[4 * i + j] * static_cast<std::int8_t>(b.b[4 * i + j]));
    emu::set_lane<std::uint32_t>(src, i, s);
  }
  return src;
}

inline __m512i _mm512_set1_epi8(char v) {
  __m512i r;
  std::memset(r.b, static_cast<unsigned char>(v), 64);
  return r;
}
inline __m512i _mm512_xor_si512(__m512i a, __m512i b) {
  for (int i = 0; i < 64; ++i) a.b[i] ^= b.b[i];
  return a;
}
// Interleaves the low (hi = false) or high halves of each 128-bit lane's
// elements of `bytes` bytes: a0 b0 a1 b1 ...
inline __m512i emu_unpack(__m512i a, __m512i b, int bytes, bool hi) {
  __m512i r;
  const int per_half = 8 / bytes;  // elements in half a lane
  for (int lane = 0; lane < 4; ++lane)
    for (int i = 0; i < per_half; ++i)
      for (int j = 0; j < bytes; ++j) {
        const int src = 16 * lane + (i + (hi ? per_half : 0)) * bytes + j;
        r.b[16 * lane + 2 * i * bytes + j] = a.b[src];
        r.b[16 * lane + (2 * i + 1) * bytes + j] = b.b[src];
      }
  return r;
}
inline __m512i _mm512_unpacklo_epi8(__m512i a, __m512i b) { return emu_unpack(a, b, 1, false); }
inline __m512i _mm512_unpackhi_epi8(__m512i a, __m512i b) { return emu_unpack(a, b, 1, true); }
inline __m512i _mm512_unpacklo_epi16(__m512i a, __m512i b) { return emu_unpack(a, b, 2, false); }
inline __m512i _mm512_unpackhi_epi16(__m512i a, __m512i b) { return emu_unpack(a, b, 2, true); }
// vshufi64x2 with a zero mask: lanes 0, 1 from a, lanes 2, 3 from b, 2 bits of imm each.
inline __m512i _mm512_maskz_shuffle_i64x2(std::uint8_t k, __m512i a, __m512i b, int imm) {
  __m512i r{};
  for (int lane = 0; lane < 4; ++lane) {
    const __m512i& src = lane < 2 ? a : b;
    std::memcpy(r.b + 16 * lane, src.b + 16 * (imm >> (2 * lane) & 3), 16);
  }
  for (int q = 0; q < 8; ++q)
    if (!(k >> q & 1)) std::memset(r.b + 8 * q, 0, 8);
  return r;
}

inline void _mm512_mask_storeu_epi8(void* p, __mmask64 k, __m512i a) {
  for (int i = 0; i < 64; ++i)
    if (k >> i & 1) static_cast<std::uint8_t*>(p)[i] = a.b[i];
}
// vpermb with merge mask: lanes whose bit is clear keep src.
inline __m512i _mm512_mask_permutexvar_epi8(__m512i src, __mmask64 k, __m512i idx, __m512i a) {
  __m512i r = src;
  for (int i = 0; i < 64; ++i)
    if (k >> i & 1) r.b[i] = a.b[idx.b[i] & 63];
  return r;
}

// ---- the kernels, renamed so they do not clash with the library's ----
#define ALWANN_AVX512_EMULATED 1
#define approx_xt_avx512 approx_xt_avx512_emulated
#define exact_avx512 exact_avx512_emulated
#define pack_activations_avx512 pack_activations_avx512_emulated
#include "nn/kernels/ApproxGemm_avx512.cpp"
#include "nn/kernels/ExactGemm_avx512.cpp"
#define im2col_tap_row_avx512 im2col_tap_row_avx512_emulated
#include "nn/kernels/Im2colRows_avx512.cpp"
#undef im2col_tap_row_avx512
#undef approx_xt_avx512
#undef exact_avx512
#undef pack_activations_avx512

namespace {

using alwann::nn::KernelPath;
using alwann::nn::PreparedGemm;
using alwann::rtl::ProductTable;

using alwann::kernel_test::random_codes;
using alwann::kernel_test::mixed_table;
using alwann::kernel_test::random_table;

// The AVX-512 layouts, built as PreparedGemm would build them on such a CPU
// (PreparedTable's constructor itself refuses the path on other CPUs).
PreparedGemm::Impl avx512_impl(const ProductTable& t, const std::vector<std::uint8_t>& w, int N, int K, bool exact) {
  using namespace alwann::nn::kernels;
  if (exact) return *make_exact(t.is_signed(), w, N, K, KernelPath::Avx512);
  auto table = std::make_shared<alwann::nn::PreparedTable::Impl>();
  table->path = KernelPath::Avx512;
  table->is_signed = t.is_signed();
  prepare_planes(t, *table);
  PreparedGemm::Impl p;
  p.N = N;
  p.K = K;
  p.path = KernelPath::Avx512;
  p.is_signed = t.is_signed();
  p.w = w;
  p.table = table;
  prepare_entries(p);
  return p;
}

// What run_approx_avx512 / run_exact_avx512 do, calling the emulated
// kernels. xt: K x M; c: M x N, or N x M when channel_major.
void emulated_exact(const PreparedGemm::Impl& p, const std::uint8_t* xt, int M, std::int32_t* c,
                    bool channel_major = false) {
  using namespace alwann::nn::kernels;
  const int m_padded = (M + kExactPixelBlock - 1) / kExactPixelBlock * kExactPixelBlock;
  AlignedBytes xp(static_cast<std::size_t>(p.k_groups) * 4 * m_padded);
  pack_activations_avx512_emulated(xt, p.K, M, p.k_groups, m_padded, xp.data());
  const ExactPackedArgs a{p.packed.data(), p.correction.data(), p.N, p.n_padded, p.k_groups, p.is_signed};
  exact_avx512_emulated(a, xp.data(), M, m_padded, c, channel_major ? OutputStrides{1, M} : OutputStrides{p.N, 1});
}

void emulated_approx(const PreparedGemm::Impl& p, const std::uint8_t* xt, int M, std::int32_t* c,
                     bool channel_major = false) {
  if (p.exact_part) emulated_exact(*p.exact_part, xt, M, c, channel_major);
  alwann::nn::kernels::approx_xt_avx512_emulated(alwann::nn::kernels::approx_args(p), xt, M, c,
                                                 channel_major ? alwann::nn::kernels::OutputStrides{1, M}
                                                               : alwann::nn::kernels::OutputStrides{p.N, 1});
}

// c (M x N) as N x M.
std::vector<std::int32_t> channel_major(const std::vector<std::int32_t>& c, int M, int N) {
  std::vector<std::int32_t> t(c.size());
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n) t[static_cast<std::size_t>(n) * M + m] = c[static_cast<std::size_t>(m) * N + n];
  return t;
}

std::vector<std::int32_t> naive(const ProductTable& t, const std::vector<std::uint8_t>& w,
                                const std::vector<std::uint8_t>& x, int M, int N, int K) {
  std::vector<std::int32_t> c(static_cast<std::size_t>(M) * N);
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n) {
      std::int64_t s = 0;
      for (int k = 0; k < K; ++k) s += t.value(w[static_cast<std::size_t>(n) * K + k], x[static_cast<std::size_t>(m) * K + k]);
      c[static_cast<std::size_t>(m) * N + n] = static_cast<std::int32_t>(s);
    }
  return c;
}

struct Shape {
  int M, N, K;
};
// M around 64 and the 4 x 64 register block, 9 chunks (blocks 3+3+3), N
// around 16, K around 4 and the 256-step flush.
const std::vector<Shape> kShapes = {{1, 1, 1},   {3, 5, 7},     {63, 17, 9},  {64, 16, 20}, {65, 3, 27},
                                    {130, 10, 5}, {257, 2, 257}, {49, 33, 40}, {576, 2, 3}, {300, 1, 600},
                                    {9, 16, 4},  {17, 15, 6}};

}  // namespace

TEST_CASE("emulated AVX-512 approximate kernel matches the naive table loop", "[kernels][avx512-emulated]") {
  std::mt19937 rng(2024);
  for (bool is_signed : {false, true})
  for (bool mixed : {false, true}) {
    const ProductTable table = mixed ? mixed_table(is_signed, rng) : random_table(is_signed, rng);
    for (const Shape& s : kShapes) {
      INFO("signed=" << is_signed << " mixed=" << mixed << " M=" << s.M << " N=" << s.N << " K=" << s.K);
      const auto w = random_codes(static_cast<std::size_t>(s.N) * s.K, rng);
      const auto x = random_codes(static_cast<std::size_t>(s.M) * s.K, rng);
      std::vector<std::uint8_t> xt(x.size());
      alwann::nn::kernels::transpose_bytes(x.data(), s.M, s.K, xt.data());
      const auto p = avx512_impl(table, w, s.N, s.K, false);
      std::vector<std::int32_t> c(static_cast<std::size_t>(s.M) * s.N, -7), cc(c.size(), -7);
      emulated_approx(p, xt.data(), s.M, c.data());
      emulated_approx(p, xt.data(), s.M, cc.data(), true);
      const auto want = naive(table, w, x, s.M, s.N, s.K);
      REQUIRE(c == want);
      REQUIRE(cc == channel_major(want, s.M, s.N));
    }
  }
}

TEST_CASE("emulated AVX-512 approximate kernel is exact at the extremes", "[kernels][avx512-emulated]") {
  // All-maximal products over more steps than one 16-bit flush holds.
  const int M = 70, N = 1, K = 700;
  std::mt19937 rng(8);
  const auto w = random_codes(N * K, rng), x = random_codes(M * K, rng);
  std::vector<std::uint8_t> xt(x.size());
  alwann::nn::kernels::transpose_bytes(x.data(), M, K, xt.data());
  for (auto [is_signed, raw, sum] : {std::tuple{false, 0xFFFF, 65535 * K}, std::tuple{true, 0x8000, -32768 * K},
                                     std::tuple{true, 0x7FFF, 32767 * K}, std::tuple{true, 0xFFFF, -K}}) {
    const ProductTable t("const", is_signed, std::vector<std::uint16_t>(ProductTable::kEntries, raw));
    const auto p = avx512_impl(t, w, N, K, false);
    std::vector<std::int32_t> c(M * N);
    emulated_approx(p, xt.data(), M, c.data());
    REQUIRE(c == std::vector<std::int32_t>(M * N, sum));
  }
}

TEST_CASE("emulated AVX-512 exact kernel matches the exact products (both output layouts)", "[kernels][avx512-emulated]") {
  std::mt19937 rng(77);
  for (bool is_signed : {false, true}) {
    const ProductTable exact = ProductTable::exact(is_signed);
    for (const Shape& s : kShapes) {
      INFO("signed=" << is_signed << " M=" << s.M << " N=" << s.N << " K=" << s.K);
      const auto w = random_codes(static_cast<std::size_t>(s.N) * s.K, rng);
      const auto x = random_codes(static_cast<std::size_t>(s.M) * s.K, rng);
      const auto p = avx512_impl(exact, w, s.N, s.K, true);
      std::vector<std::uint8_t> xt(x.size());
      alwann::nn::kernels::transpose_bytes(x.data(), s.M, s.K, xt.data());
      const auto want = naive(exact, w, x, s.M, s.N, s.K);
      std::vector<std::int32_t> c(want.size(), -7), cc(want.size(), -7);
      emulated_exact(p, xt.data(), s.M, c.data());
      emulated_exact(p, xt.data(), s.M, cc.data(), true);
      REQUIRE(c == want);
      REQUIRE(cc == channel_major(want, s.M, s.N));
    }
  }
}

TEST_CASE("AVX-512 im2col tap rows equal the portable rows for strided convolutions", "[kernels][avx512-emulated]") {
  // Every stride, dilation, padding and size the register-wide gather takes
  // (OW <= 64, (OW - 1) * stride < 64), padding with a non-zero code; the
  // emulated kernel always, the real one where the CPU has it.
  std::mt19937 rng(17);
  for (int trial = 0; trial < 300; ++trial) {
    alwann::nn::Layer l;
    const int H = 1 + static_cast<int>(rng() % 40), W = 1 + static_cast<int>(rng() % 70);
    l.kernel_h = 1 + static_cast<int>(rng() % 4), l.kernel_w = 1 + static_cast<int>(rng() % 4);
    l.stride_h = 1 + static_cast<int>(rng() % 3), l.stride_w = 1 + static_cast<int>(rng() % 3);
    l.dilation_h = 1 + static_cast<int>(rng() % 2), l.dilation_w = 1 + static_cast<int>(rng() % 2);
    l.pad_top = static_cast<int>(rng() % 3), l.pad_left = static_cast<int>(rng() % 3);
    l.pad_bottom = static_cast<int>(rng() % 3), l.pad_right = static_cast<int>(rng() % 3);
    const int span_h = (l.kernel_h - 1) * l.dilation_h + 1, span_w = (l.kernel_w - 1) * l.dilation_w + 1;
    if (H + l.pad_top + l.pad_bottom < span_h || W + l.pad_left + l.pad_right < span_w) continue;
    const int OH = (H + l.pad_top + l.pad_bottom - span_h) / l.stride_h + 1;
    const int OW = (W + l.pad_left + l.pad_right - span_w) / l.stride_w + 1;
    if (OW > 64 || (OW - 1) * l.stride_w >= 64) continue;
    l.input_shape = {1, H, W};
    l.output_shape = {1, OH, OW};
    std::vector<std::uint8_t> plane(static_cast<std::size_t>(H) * W);
    for (auto& v : plane) v = static_cast<std::uint8_t>(rng());
    const auto pad = static_cast<std::uint8_t>(rng());
    for (int ky = 0; ky < l.kernel_h; ++ky)
      for (int kx = 0; kx < l.kernel_w; ++kx) {
        std::vector<std::uint8_t> want(static_cast<std::size_t>(OH) * OW), got(want.size(), 0), real(want.size(), 0);
        alwann::nn::general_row(l, plane.data(), ky, kx, pad, want.data());
        const int x0 = kx * l.dilation_w - l.pad_left;
        const auto inside = alwann::nn::tap_columns(x0, l.stride_w, W, OW);
        const alwann::nn::kernels::TapRowArgs a{H, W, OH, OW, ky * l.dilation_h - l.pad_top, l.stride_h, x0,
                                                l.stride_w, inside.lo, inside.hi, pad};
        alwann::nn::kernels::im2col_tap_row_avx512_emulated(a, plane.data(), got.data());
        INFO("trial " << trial << " " << H << "x" << W << " k " << l.kernel_h << "x" << l.kernel_w << " s " << l.stride_h
                      << "," << l.stride_w << " tap " << ky << "," << kx);
        REQUIRE(got == want);
        if (alwann::nn::cpu_has_avx512_kernels()) {
          alwann::nn::kernels::im2col_tap_row_avx512(a, plane.data(), real.data());
          REQUIRE(real == want);
        }
      }
  }
}
