// Bit-exactness of the GEMM kernels (nn/kernels) against a naive table loop,
// on both kernel paths, plus kernel path selection.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tests/nn/KernelTestSupport.hpp"
#include "common/Error.hpp"
#include "nn/kernels/ApproxGemm.hpp"
#include "nn/kernels/FloatGemm.hpp"

using alwann::nn::KernelPath;
using alwann::rtl::ProductTable;

namespace {

using alwann::kernel_test::random_codes;
using alwann::kernel_test::mixed_table;
using alwann::kernel_test::random_table;

ProductTable constant_table(bool is_signed, std::uint16_t raw) {
  return ProductTable("const", is_signed, std::vector<std::uint16_t>(ProductTable::kEntries, raw));
}

// The definition: c[m*N + n] = sum_k table.value(w[n*K + k], x[m*K + k]).
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

std::vector<KernelPath> available_paths() {
  std::vector<KernelPath> paths{KernelPath::Portable};
  if (alwann::nn::cpu_has_avx512_kernels())
    paths.push_back(KernelPath::Avx512);
  else
    WARN("CPU lacks AVX-512 VBMI/VNNI: only the portable path is tested");
  return paths;
}

struct Shape {
  int M, N, K;
};
// Tails of every kind: M around multiples of 64 (the AVX-512 lane count) and
// of 4 x 64 (its register block), M >= 512 (the portable packed-pairs kernel)
// and > 1024 (its pixel block), N around 16 and not a multiple of 4, K = 1,
// K around 4 and the 256-step flush, 1x1-like (K = C) and 3x3-like (K = 9 C)
// reductions.
const std::vector<Shape> kShapes = {
    {1, 1, 1},    {1, 1, 9},    {3, 5, 7},     {63, 17, 9},   {64, 16, 144}, {65, 3, 27},
    {200, 33, 1}, {130, 10, 300}, {257, 2, 513}, {49, 64, 576}, {196, 32, 288}, {784, 16, 27},
    {31, 7, 256}, {97, 5, 255}, {320, 4, 64},  {513, 3, 257}, {7, 19, 3},    {1, 40, 1000},
    {600, 7, 40}, {1100, 5, 3}, {512, 8, 9}};

class EnvGuard {
 public:
  explicit EnvGuard(const char* value) {
    if (const char* old = std::getenv("ALWANN_KERNEL")) had_ = true, old_ = old;
    if (value)
      setenv("ALWANN_KERNEL", value, 1);
    else
      unsetenv("ALWANN_KERNEL");
  }
  ~EnvGuard() {
    if (had_)
      setenv("ALWANN_KERNEL", old_.c_str(), 1);
    else
      unsetenv("ALWANN_KERNEL");
  }

 private:
  bool had_ = false;
  std::string old_;
};

}  // namespace

TEST_CASE("approx_gemm matches the naive table loop bit for bit on every path", "[kernels]") {
  std::mt19937 rng(12345);
  for (bool is_signed : {false, true})
  for (bool mixed : {false, true}) {
    const ProductTable table = mixed ? mixed_table(is_signed, rng) : random_table(is_signed, rng);
    for (const Shape& s : kShapes) {
      const auto w = random_codes(static_cast<std::size_t>(s.N) * s.K, rng);
      const auto x = random_codes(static_cast<std::size_t>(s.M) * s.K, rng);
      const auto want = naive(table, w, x, s.M, s.N, s.K);
      for (KernelPath path : available_paths()) {
        INFO("signed=" << is_signed << " mixed=" << mixed << " M=" << s.M << " N=" << s.N << " K=" << s.K
                       << " path=" << alwann::nn::to_string(path));
        std::vector<std::int32_t> c(want.size(), -7);
        alwann::nn::approx_gemm(table, w.data(), x.data(), s.M, s.N, s.K, c.data(), path);
        REQUIRE(c == want);
      }
    }
  }
}

TEST_CASE("PreparedGemm run, run_xt and run_xt_channels give the same sums", "[kernels]") {
  std::mt19937 rng(7);
  for (const Shape& s : {Shape{150, 9, 75}, Shape{1100, 3, 5}, Shape{1, 10, 7}, Shape{520, 6, 30}, Shape{49, 64, 576},
                         Shape{3136, 5, 33}, Shape{700, 17, 259}}) {
    const int M = s.M, N = s.N, K = s.K;
    for (bool is_signed : {false, true}) {
      const ProductTable table = M % 2 ? random_table(is_signed, rng) : mixed_table(is_signed, rng);
      const auto w = random_codes(N * K, rng), x = random_codes(M * K, rng);
      std::vector<std::uint8_t> xt(M * K);
      for (int m = 0; m < M; ++m)
        for (int k = 0; k < K; ++k) xt[k * M + m] = x[m * K + k];
      for (KernelPath path : available_paths()) {
        for (bool exact : {false, true}) {
          INFO("M=" << M << " N=" << N << " K=" << K << " signed=" << is_signed << " exact=" << exact
                    << " path=" << alwann::nn::to_string(path));
          const auto g = exact ? alwann::nn::PreparedGemm::exact(is_signed, w.data(), N, K, path)
                               : alwann::nn::PreparedGemm::approx(table, w.data(), N, K, path);
          const auto ref = naive(exact ? ProductTable::exact(is_signed) : table, w, x, M, N, K);
          std::vector<std::int32_t> a(M * N), b(M * N), cm(M * N, -7), bt(M * N);
          g.run(x.data(), M, a.data());
          g.run_xt(xt.data(), M, b.data());
          g.run_xt_channels(xt.data(), M, cm.data());
          for (int m = 0; m < M; ++m)
            for (int n = 0; n < N; ++n) bt[m * N + n] = cm[n * M + m];
          CHECK(g.N() == N);
          CHECK(g.K() == K);
          CHECK(g.path() == path);
          CHECK(a == ref);
          CHECK(b == ref);
          CHECK(bt == ref);
        }
      }
    }
  }
}

TEST_CASE("exact_gemm equals the naive loop over the exact table", "[kernels]") {
  std::mt19937 rng(99);
  for (bool is_signed : {false, true}) {
    const ProductTable exact = ProductTable::exact(is_signed);
    for (const Shape& s : kShapes) {
      const auto w = random_codes(static_cast<std::size_t>(s.N) * s.K, rng);
      const auto x = random_codes(static_cast<std::size_t>(s.M) * s.K, rng);
      const auto want = naive(exact, w, x, s.M, s.N, s.K);
      for (KernelPath path : available_paths()) {
        INFO("signed=" << is_signed << " M=" << s.M << " N=" << s.N << " K=" << s.K
                       << " path=" << alwann::nn::to_string(path));
        std::vector<std::int32_t> a(want.size()), b(want.size());
        alwann::nn::exact_gemm(is_signed, w.data(), x.data(), s.M, s.N, s.K, a.data(), path);
        alwann::nn::approx_gemm(exact, w.data(), x.data(), s.M, s.N, s.K, b.data(), path);
        REQUIRE(a == want);
        REQUIRE(b == want);
      }
    }
  }
}

TEST_CASE("the table kernels with exact products equal exact_gemm", "[kernels]") {
  // An exact table would be routed to the exact kernel: spoil row 255, which
  // no weight uses, so the table kernels run on exact products only.
  std::mt19937 rng(31);
  for (bool is_signed : {false, true}) {
    std::vector<std::uint16_t> raw = ProductTable::exact(is_signed).data();
    for (int x = 0; x < 256; ++x) raw[255 * 256 + x] ^= 0x5a5a;
    const ProductTable spoiled("exact_but_row_255", is_signed, std::move(raw));
    REQUIRE_FALSE(spoiled.is_exact());
    for (const Shape& s : kShapes) {
      auto w = random_codes(static_cast<std::size_t>(s.N) * s.K, rng);
      for (auto& b : w) b = static_cast<std::uint8_t>(b % 255);
      const auto x = random_codes(static_cast<std::size_t>(s.M) * s.K, rng);
      for (KernelPath path : available_paths()) {
        INFO("signed=" << is_signed << " M=" << s.M << " N=" << s.N << " K=" << s.K
                       << " path=" << alwann::nn::to_string(path));
        std::vector<std::int32_t> a(static_cast<std::size_t>(s.M) * s.N), b(a.size());
        alwann::nn::exact_gemm(is_signed, w.data(), x.data(), s.M, s.N, s.K, a.data(), path);
        alwann::nn::approx_gemm(spoiled, w.data(), x.data(), s.M, s.N, s.K, b.data(), path);
        REQUIRE(a == b);
      }
    }
  }
}

TEST_CASE("sums stay exact at the extremes up to kMaxGemmK", "[kernels]") {
  // M >= 512 and N = 4 reach the portable packed-pairs kernel too.
  const int M = 520, N = 4, K = alwann::nn::kMaxGemmK;
  std::mt19937 rng(3);
  const auto w = random_codes(N * K, rng), x = random_codes(M * K, rng);
  struct Case {
    bool is_signed;
    std::uint16_t raw;
    std::int32_t sum;
  };
  for (const Case& t : {Case{false, 0xFFFF, 65535 * K}, Case{true, 0x8000, -32768 * K},
                        Case{true, 0x7FFF, 32767 * K}, Case{false, 0x0100, 256 * K}}) {
    const ProductTable table = constant_table(t.is_signed, t.raw);
    for (KernelPath path : available_paths()) {
      INFO("raw=" << t.raw << " path=" << alwann::nn::to_string(path));
      std::vector<std::int32_t> c(M * N);
      alwann::nn::approx_gemm(table, w.data(), x.data(), M, N, K, c.data(), path);
      REQUIRE(c == std::vector<std::int32_t>(M * N, t.sum));
    }
  }
  // Exact extremes: 255 * 255 and (-128) * (-128) in every term.
  std::vector<std::uint8_t> w255(N * K, 255), x255(M * K, 255), w80(N * K, 0x80), x80(M * K, 0x80);
  for (KernelPath path : available_paths()) {
    std::vector<std::int32_t> c(M * N);
    alwann::nn::exact_gemm(false, w255.data(), x255.data(), M, N, K, c.data(), path);
    CHECK(c == std::vector<std::int32_t>(M * N, 65025 * K));
    alwann::nn::exact_gemm(true, w80.data(), x80.data(), M, N, K, c.data(), path);
    CHECK(c == std::vector<std::int32_t>(M * N, 16384 * K));
  }
  const ProductTable table = constant_table(false, 1);
  CHECK_THROWS_AS(alwann::nn::PreparedGemm::approx(table, w.data(), N, K + 1, KernelPath::Portable), alwann::Error);
}

TEST_CASE("empty shapes write nothing or zeros", "[kernels]") {
  std::mt19937 rng(5);
  const ProductTable table = random_table(true, rng);
  const auto w = random_codes(64, rng), x = random_codes(64, rng);
  for (KernelPath path : available_paths()) {
    std::vector<std::int32_t> c(12, -1);
    alwann::nn::approx_gemm(table, w.data(), x.data(), 3, 4, 0, c.data(), path);
    CHECK(c == std::vector<std::int32_t>(12, 0));
    alwann::nn::approx_gemm(table, w.data(), x.data(), 0, 4, 5, c.data(), path);
    alwann::nn::approx_gemm(table, w.data(), x.data(), 3, 0, 5, c.data(), path);
    CHECK(c == std::vector<std::int32_t>(12, 0));
  }
}

TEST_CASE("kernel path: parsing and the ALWANN_KERNEL override", "[kernels]") {
  using alwann::nn::best_kernel_path;
  CHECK(alwann::nn::parse_kernel_path("portable") == KernelPath::Portable);
  CHECK(alwann::nn::parse_kernel_path("avx512") == KernelPath::Avx512);
  CHECK_THROWS_AS(alwann::nn::parse_kernel_path("AVX512"), alwann::Error);
  CHECK_THROWS_AS(alwann::nn::parse_kernel_path("sse"), alwann::Error);
  CHECK(std::string(alwann::nn::to_string(KernelPath::Avx512)) == "avx512");
  const bool has = alwann::nn::cpu_has_avx512_kernels();
  {
    EnvGuard env(nullptr);
    CHECK(best_kernel_path() == (has ? KernelPath::Avx512 : KernelPath::Portable));
  }
  {
    EnvGuard env("portable");
    CHECK(best_kernel_path() == KernelPath::Portable);
  }
  {
    EnvGuard env("avx512");
    if (has)
      CHECK(best_kernel_path() == KernelPath::Avx512);
    else
      CHECK_THROWS_AS(best_kernel_path(), alwann::Error);
  }
  {
    EnvGuard env("fast");
    CHECK_THROWS_AS(best_kernel_path(), alwann::Error);
  }
  if (!has) {
    // Forcing the AVX-512 kernel on this CPU must fail before running it.
    const std::vector<std::uint8_t> w(4, 1);
    CHECK_THROWS_AS(alwann::nn::PreparedGemm::exact(false, w.data(), 2, 2, KernelPath::Avx512), alwann::Error);
  }
}

TEST_CASE("the float GEMM gives the same floats on every vector width as the plain loop", "[kernels][float]") {
  using alwann::nn::FloatPath;
  std::mt19937 rng(31);
  std::normal_distribution<float> d(0.0f, 1.0f);
  for (const Shape& s : kShapes) {
    std::vector<float> w(static_cast<std::size_t>(s.N) * s.K), xt(static_cast<std::size_t>(s.K) * s.M), bias(s.N);
    for (auto& v : w) v = d(rng);
    for (auto& v : xt) v = d(rng);
    for (auto& v : bias) v = d(rng);
    std::vector<float> want(static_cast<std::size_t>(s.N) * s.M);
    for (int n = 0; n < s.N; ++n)
      for (int m = 0; m < s.M; ++m) {
        float acc = bias[n];
        for (int k = 0; k < s.K; ++k) {
          const volatile float product = w[static_cast<std::size_t>(n) * s.K + k] * xt[static_cast<std::size_t>(k) * s.M + m];
          acc += product;  // volatile: no fused multiply-add here either
        }
        want[static_cast<std::size_t>(n) * s.M + m] = acc;
      }
    for (FloatPath path : {FloatPath::Baseline, FloatPath::Avx2, FloatPath::Avx512}) {
      if (!alwann::nn::cpu_supports(path)) continue;
      INFO("M=" << s.M << " N=" << s.N << " K=" << s.K << " path=" << static_cast<int>(path));
      std::vector<float> out(want.size(), -1.0f);
      alwann::nn::float_gemm(w.data(), bias.data(), xt.data(), s.N, s.K, s.M, out.data(), path);
      REQUIRE(std::memcmp(out.data(), want.data(), want.size() * sizeof(float)) == 0);
    }
  }
}
