// GEMM kernel throughput (nn/kernels): approximate (table) and exact kernels
// on the portable and AVX-512 paths, 1 and 2 threads, on the conv shapes of
// ResNet-8 on 28x28 Fashion-MNIST and a large square GEMM.
//
// Usage: bench_kernels [seconds per point, default 0.3]
// Each point is the best of 5 timed runs (each about seconds/5 of CPU). The
// CPU-time figure is what the kernel does while it runs; the wall-time one
// also shows sharing the cores with other processes. Two
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

#include <time.h>  // clock_gettime(CLOCK_THREAD_CPUTIME_ID)

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

alwann::rtl::ProductTable random_products(std::mt19937& rng) {
  std::uniform_int_distribution<int> d(0, 65535);
  std::vector<std::uint16_t> raw(alwann::rtl::ProductTable::kEntries);
  for (auto& r : raw) r = static_cast<std::uint16_t>(d(rng));
  return alwann::rtl::ProductTable("random", false, std::move(raw));
}

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Throughput of `threads` threads each running g on its own image, best of 5:
// by CPU time (sum over threads of MACs / that thread's CPU seconds; immune to
// time-sharing with other processes) and by wall-clock time.
struct Rate {
  double cpu = 0, wall = 0;
};

Rate measure(const PreparedGemm& g, bool transposed, int M, int threads, double seconds, std::mt19937& rng) {
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
  // Calibrate the repetition count so one timed run takes about seconds / 5 of CPU.
  int reps = 1;
  for (;;) {
    const double t0 = thread_cpu_seconds();
    for (int r = 0; r < reps; ++r) once(0);
    const double dt = thread_cpu_seconds() - t0;
    if (dt > seconds / 20 || reps > (1 << 24)) {
      reps = std::max(1, static_cast<int>(reps * (seconds / 5) / std::max(dt, 1e-9)));
      break;
    }
    reps *= 4;
  }
  const double macs = static_cast<double>(M) * g.N() * g.K() * reps;
  Rate best;
  for (int run = 0; run < 5; ++run) {
    std::vector<double> cpu(threads);
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        const double c0 = thread_cpu_seconds();
        for (int r = 0; r < reps; ++r) once(t);
        cpu[t] = thread_cpu_seconds() - c0;
      });
    for (auto& th : pool) th.join();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double by_cpu = 0;
    for (double s : cpu) by_cpu += macs / s;
    best.cpu = std::max(best.cpu, by_cpu);
    best.wall = std::max(best.wall, macs * threads / wall);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 0.3;
  const bool avx = alwann::nn::cpu_has_avx512_kernels();
  const std::vector<Shape> shapes = {{"ResNet-8 conv, 28x28, 16 ch, 3x3", 784, 16, 144},
                                     {"ResNet-8 conv, 14x14, 32 ch, 3x3", 196, 32, 288},
                                     {"ResNet-8 conv, 7x7, 64 ch, 3x3", 49, 64, 576},
                                     {"ResNet-8 shortcut, 7x7, 64 ch, 1x1", 49, 64, 32},
                                     // What the engine runs for the 7x7 layer: 16 images side by side.
                                     {"ResNet-8 conv, 7x7, 64 ch, 3x3, batch of 16", 49 * 16, 64, 576},
                                     {"ResNet-8 shortcut, 7x7, 64 ch, 1x1, batch of 16", 49 * 16, 64, 32},
                                     {"square", 512, 512, 512}};
  std::mt19937 rng(1);
  // Two tables: random products (every weight code needs both product
  // planes, the slow case) and exact products with errors of +-1 (one error
  // plane each, the case of mild multipliers; see ApproxPlanesArgs).
  const auto mild = perturbed_exact(false);
  const auto table = random_products(rng);
  fmt::print("GEMM kernels on unsigned codes, GMAC/s, best of 5: by CPU time | by wall time.\n"
             "AVX-512 (F/BW/VL/DQ/VBMI/VNNI) {} on this CPU.\n\n",
             avx ? "available" : "NOT available: its rows are skipped");
  for (const Shape& s : shapes) {
    fmt::print("{} (M={} N={} K={})\n", s.name, s.M, s.N, s.K);
    fmt::print("  {:<34} {:>17} {:>17}\n", "kernel", "1 thread cpu|wall", "2 threads cpu|wall");
    const auto w = random_codes(static_cast<std::size_t>(s.N) * s.K, rng);
    struct Row {
      const char* name;
      PreparedGemm g;
      bool transposed;
    };
    std::vector<Row> rows;
    if (avx) {
      rows.push_back({"approx avx512 random, run_xt (K x M)", PreparedGemm::approx(table, w.data(), s.N, s.K, KernelPath::Avx512), true});
      rows.push_back({"approx avx512 random, run (M x K)", PreparedGemm::approx(table, w.data(), s.N, s.K, KernelPath::Avx512), false});
      rows.push_back({"approx avx512 +-1 error, run_xt", PreparedGemm::approx(mild, w.data(), s.N, s.K, KernelPath::Avx512), true});
      rows.push_back({"exact avx512, run_xt (K x M)", PreparedGemm::exact(false, w.data(), s.N, s.K, KernelPath::Avx512), true});
      rows.push_back({"exact avx512, run (M x K)", PreparedGemm::exact(false, w.data(), s.N, s.K, KernelPath::Avx512), false});
    }
    rows.push_back({"approx portable, run_xt (K x M)", PreparedGemm::approx(table, w.data(), s.N, s.K, KernelPath::Portable), true});
    rows.push_back({"approx portable, run (M x K)", PreparedGemm::approx(table, w.data(), s.N, s.K, KernelPath::Portable), false});
    rows.push_back({"exact portable, run_xt (K x M)", PreparedGemm::exact(false, w.data(), s.N, s.K, KernelPath::Portable), true});
    rows.push_back({"exact portable, run (M x K)", PreparedGemm::exact(false, w.data(), s.N, s.K, KernelPath::Portable), false});
    std::vector<double> one;  // 1-thread CPU-time rates, for the ratios
    for (const Row& r : rows) {
      const Rate a = measure(r.g, r.transposed, s.M, 1, seconds, rng);
      const Rate b = measure(r.g, r.transposed, s.M, 2, seconds, rng);
      one.push_back(a.cpu);
      fmt::print("  {:<34} {:>7.2f} | {:>7.2f} {:>7.2f} | {:>7.2f}\n", r.name, a.cpu / 1e9, a.wall / 1e9, b.cpu / 1e9,
                 b.wall / 1e9);
    }
    // Ratios on run_xt, the call the inference engine makes.
    const std::size_t port = avx ? 5 : 0;
    fmt::print("  ratios (1 thread, CPU time, run_xt): approx/exact portable {:.3f}", one[port] / one[port + 2]);
    if (avx)
      fmt::print(", approx random/exact avx512 {:.3f}, approx random avx512/portable {:.2f}, +-1 error/random avx512 {:.2f}",
                 one[0] / one[3], one[0] / one[port], one[2] / one[0]);
    fmt::print("\n\n");
  }
  return 0;
}
