// GEMM kernel throughput (nn/kernels): approximate (table) and exact kernels
// on the portable and AVX-512 paths, 1 and 2 threads, on the conv shapes of
// ResNet-8 on 28x28 Fashion-MNIST and a large square GEMM.
//
// Usage: bench_kernels [seconds per point, default 0.3]
// Each point is the best of 5 timed runs (each at least seconds/5 long), so
// that noise from other processes on the machine mostly drops out. Two
// threads each run their own image (own activations and outputs) through the
// same PreparedGemm: how the inference engine threads. Figures are MAC/s
// (one MAC = one product looked up or computed and added).
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <thread>
#include <vector>

#include "nn/kernels/ApproxGemm.hpp"

using alwann::nn::KernelPath;
using alwann::nn::PreparedGemm;

namespace {

struct Shape {
  const char* name;
  int M, N, K;
};

std::vector<std::uint8_t> random_codes(std::size_t n, std::mt19937& rng) {
  std::uniform_int_distribution<int> d(0, 255);
  std::vector<std::uint8_t> v(n);
  for (auto& b : v) b = static_cast<std::uint8_t>(d(rng));
  return v;
}

// A non-exact table (so the approximate kernel is not routed to the exact one).
alwann::rtl::ProductTable perturbed_exact(bool is_signed) {
  std::vector<std::uint16_t> raw = alwann::rtl::ProductTable::exact(is_signed).data();
  for (std::size_t i = 0; i < raw.size(); i += 7) raw[i] ^= 1;
  return alwann::rtl::ProductTable("perturbed", is_signed, std::move(raw));
}

// MAC/s of `threads` threads each running g on its own image, best of 5.
double measure(const PreparedGemm& g, bool transposed, int M, int threads, double seconds, std::mt19937& rng) {
  const std::size_t in = static_cast<std::size_t>(M) * g.K(), out = static_cast<std::size_t>(M) * g.N();
  std::vector<std::vector<std::uint8_t>> x;
  std::vector<std::vector<std::int32_t>> c;
  for (int t = 0; t < threads; ++t) {
    x.push_back(random_codes(in, rng));
    c.emplace_back(out);
  }
  auto once = [&](int t) {
    if (transposed)
      g.run_xt(x[t].data(), M, c[t].data());
    else
      g.run(x[t].data(), M, c[t].data());
  };
  using clock = std::chrono::steady_clock;
  // Calibrate the repetition count so one timed run lasts about seconds / 5.
  int reps = 1;
  for (;;) {
    const auto t0 = clock::now();
    for (int r = 0; r < reps; ++r) once(0);
    const double dt = std::chrono::duration<double>(clock::now() - t0).count();
    if (dt > seconds / 20 || reps > (1 << 24)) {
      reps = std::max(1, static_cast<int>(reps * (seconds / 5) / std::max(dt, 1e-9)));
      break;
    }
    reps *= 4;
  }
  double best = 1e30;
  for (int run = 0; run < 5; ++run) {
    const auto t0 = clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        for (int r = 0; r < reps; ++r) once(t);
      });
    for (auto& th : pool) th.join();
    best = std::min(best, std::chrono::duration<double>(clock::now() - t0).count());
  }
  return static_cast<double>(M) * g.N() * g.K() * reps * threads / best;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 0.3;
  const bool avx = alwann::nn::cpu_has_avx512_kernels();
  const std::vector<Shape> shapes = {{"conv 28x28 16ch 3x3", 784, 16, 144},
                                     {"conv 14x14 32ch 3x3", 196, 32, 288},
                                     {"conv 7x7 64ch 3x3", 49, 64, 576},
                                     {"conv 7x7 64ch 1x1", 49, 64, 32},
                                     {"square 512", 512, 512, 512}};
  std::mt19937 rng(1);
  const auto table = perturbed_exact(false);
  fmt::print("GEMM kernels, GMAC/s (best of 5), unsigned codes; AVX-512 {}\n", avx ? "available" : "NOT available");
  fmt::print("{:<22} {:>2} | {:>9} {:>9} {:>9} | {:>9} {:>9} {:>9} | {:>8} {:>8}\n", "shape (M x N x K)", "th",
             "apx-avx", "apx-avx*", "apx-port", "exa-avx", "exa-port", "", "apx/exa", "avx/port");
  for (const Shape& s : shapes) {
    const auto w = random_codes(static_cast<std::size_t>(s.N) * s.K, rng);
    const auto port = PreparedGemm::approx(table, w.data(), s.N, s.K, KernelPath::Portable);
    const auto eport = PreparedGemm::exact(false, w.data(), s.N, s.K, KernelPath::Portable);
    for (int threads : {1, 2}) {
      double a = 0, at = 0, e = 0;
      if (avx) {
        const auto g = PreparedGemm::approx(table, w.data(), s.N, s.K, KernelPath::Avx512);
        const auto ge = PreparedGemm::exact(false, w.data(), s.N, s.K, KernelPath::Avx512);
        a = measure(g, true, s.M, threads, seconds, rng);
        at = measure(g, false, s.M, threads, seconds, rng);
        e = measure(ge, false, s.M, threads, seconds, rng);
      }
      const double p = measure(port, true, s.M, threads, seconds, rng);
      const double ep = measure(eport, false, s.M, threads, seconds, rng);
      fmt::print("{:<22} {:>2} | {:>9.2f} {:>9.2f} {:>9.2f} | {:>9.2f} {:>9.2f} {:>9} | {:>8.3f} {:>8.2f}\n",
                 fmt::format("{} {}x{}x{}", s.name, s.M, s.N, s.K).substr(0, 22), threads, a / 1e9, at / 1e9,
                 p / 1e9, e / 1e9, ep / 1e9, "", avx ? a / e : p / ep, avx ? a / p : 0.0);
    }
  }
  fmt::print("apx-avx: approximate, AVX-512, K x M activations (run_xt); apx-avx*: the same from M x K (run,\n"
             "includes the transpose); apx-port: approximate, portable (run_xt); exa-*: exact kernel (run).\n"
             "apx/exa = apx-avx / exa-avx (portable ones without AVX-512); avx/port = apx-avx / apx-port.\n");
  return 0;
}
