// Cycle and count equality with SCALE-Sim v2 (weight-stationary, stall-free),
// against an independent implementation of SCALE-Sim's documented formulas
// (reference.md §5) written from the raw layer dimensions, over many random
// layer and array shapes, and SCALE-Sim topology CSV import.
#include <catch2/catch.hpp>

#include <random>

#include "SimTestHelpers.hpp"
#include "mapping/ArrayTiming.hpp"
#include "mapping/TopologyCsv.hpp"
#include "sim/ArrayExecutor.hpp"

using namespace alwann;

namespace {

// SCALE-Sim v2, weight-stationary, from its topology fields (ifmap already padded).
struct ScaleSim {
  std::int64_t cycles = 0;  // SCALE-Sim prints cycles - 1 (0-based index of the last cycle)
  std::int64_t ifmap_reads = 0, filter_reads = 0, ofmap_writes = 0;
};
ScaleSim scalesim_ws(int H, int W, int fh, int fw, int C, int filters, int stride, int R, int Cols) {
  const std::int64_t ofmap_px = static_cast<std::int64_t>((H - fh) / stride + 1) * ((W - fw) / stride + 1);
  const std::int64_t window = static_cast<std::int64_t>(fh) * fw * C;
  const std::int64_t row_folds = (window + R - 1) / R, col_folds = (filters + Cols - 1) / Cols;
  ScaleSim s;
  for (std::int64_t cf = 0; cf < col_folds; ++cf)
    for (std::int64_t rf = 0; rf < row_folds; ++rf) {
      const std::int64_t rows_used = std::min<std::int64_t>(R, window - rf * R);
      const std::int64_t cols_used = std::min<std::int64_t>(Cols, filters - cf * Cols);
      // prefetch the filter (R rows), stream the ofmap pixels, skew (R - 1), drain (C - 1)
      s.cycles += R + ofmap_px + (R - 1) + (Cols - 1);
      s.filter_reads += rows_used * cols_used;
      s.ifmap_reads += ofmap_px * rows_used;
      s.ofmap_writes += ofmap_px * cols_used;
    }
  return s;
}

}  // namespace

TEST_CASE("cycles and buffer counts equal SCALE-Sim v2 on random layers and arrays", "[sim][scalesim]") {
  std::mt19937 rng(10);
  auto in = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const int sizes[] = {8, 16, 32};
  for (int trial = 0; trial < 120; ++trial) {
    const int R = sizes[in(0, 2)], C = sizes[in(0, 2)];
    int H, W, fh, fw, ch, filters, stride;
    if (trial % 6 == 5) {  // fully connected: a 1x1 ifmap, 1x1 filter
      H = W = fh = fw = stride = 1;
      ch = in(1, 600);
      filters = in(1, 200);
    } else {
      fh = in(1, 5);
      fw = in(1, 5);
      const int pad = in(0, 2);  // a SCALE-Sim user gives the padded ifmap
      H = in(fh, 20) + 2 * pad;
      W = in(fw, 20) + 2 * pad;
      ch = in(1, 48);
      filters = in(1, 80);
      stride = in(1, 2);
    }
    INFO("trial " << trial << ": " << H << "x" << W << "x" << ch << " filter " << fh << "x" << fw << " x" << filters
                  << " stride " << stride << " on " << R << "x" << C);
    const ScaleSim ref = scalesim_ws(H, W, fh, fw, ch, filters, stride, R, C);
    const auto layer = mapping::scalesim_layer(1, "l", H, W, fh, fw, ch, filters, stride);
    // The formula and the mapper's bandwidth-aware estimate with an unlimited port.
    CHECK(mapping::ideal_array_cycles(mapping::fold_count(layer, R, C), R, C, layer.T, mapping::WeightBuffering::Single) == ref.cycles);
    CHECK(mapping::layer_array_cycles(layer, R, C, mapping::WeightBuffering::Single, 1e9) == ref.cycles);
    // The SystemC fold model, SCALE-Sim convention, no stalls.
    if (trial % 4 == 0) {
      const auto acc = test::tile_array(1, R, C, "single", 1e6, false, 1e6);
      const auto work = test::chain({layer});
      const auto r = sim::simulate(sim::SimulationSetup::make(acc, work, test::uniform(acc, "mul8u_exact")), {});
      CHECK(r.layers[1].compute_cycles == ref.cycles);
      CHECK(r.layers[1].gb_stall_cycles == 0);
      CHECK(r.layers[1].compute_cycles - 1 == ref.cycles - 1);  // SCALE-Sim's printed figure + 1
    }
    // Counts: filter and ifmap reads, ofmap (partial-sum) writes per fold.
    const auto tr = sim::array_traffic(layer, R, C);
    CHECK(tr.gb_read == ref.filter_reads + ref.ifmap_reads);
    CHECK(tr.psum_write == 4 * ref.ofmap_writes);  // 32-bit words
  }
}

TEST_CASE("ResNet-8's first layer takes the same 2R + C + T - 2 as every other layer", "[sim][scalesim]") {
  // 28x28x1 -> 16, 3x3 'same' padding: K = 9 < R, T = 784. On 16x16: 32 + 16 + 784 - 2 = 830
  // array cycles at both levels and both buffering modes; the layer's total adds
  // the wake-up (100) and the weights' DRAM transfer (144 B / 16 B per cycle = 9).
  const auto work = test::chain({mapping::conv_work(0, "conv1", 28, 28, 1, 16, 3, 1, {})});
  for (const char* buffering : {"single", "double"})
    for (auto detail : {sim::Detail::Fold, sim::Detail::Pe}) {
      const auto acc = test::tile_array(1, 16, 16, buffering, 64);
      sim::SimOptions o;
      o.detail = detail;
      const auto r = sim::simulate(sim::SimulationSetup::make(acc, work, test::uniform(acc, "mul8u_exact")), o);
      INFO(buffering << " " << sim::detail_name(detail));
      CHECK(r.layers[1].compute_cycles == 830);
      CHECK(r.layers[1].gb_stall_cycles == 0);
      CHECK(r.layers[1].cycles == 830 + 100 + 9);
    }
}

TEST_CASE("SCALE-Sim topology CSV files are a workload", "[sim][scalesim]") {
  const auto path = test::write_temp("topo.csv",
                                     "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
                                     "Conv1, 30, 30, 3, 3, 1, 16, 1,\n"
                                     "Conv2, 28, 28, 3, 3, 16, 32, 2,\n"
                                     "\n"
                                     "FC1, 1, 1, 1, 1, 6272, 10, 1,\n");
  const auto work = mapping::load_topology_csv(path);
  REQUIRE(work.size() == 4);
  CHECK(work[1].K == 9);
  CHECK(work[1].T == 28 * 28);
  CHECK(work[2].T == 13 * 13);
  CHECK(work[2].K == 144);
  CHECK(work[3].op == "FullyConnected");
  CHECK(work[3].K == 6272);
  CHECK(work[3].T == 1);
  CHECK(work[3].preds == std::vector<int>{2});
  const auto acc = test::tile_array(1, 16, 16, "single", 1e6, false, 1e6);
  auto setup = sim::SimulationSetup::make(acc, work, test::uniform(acc, "mul8u_exact"));
  setup.operands = sim::random_operands(setup.work, 1);
  const auto r = sim::simulate(setup, {});
  for (int i = 1; i <= 3; ++i) {
    const auto& l = work[static_cast<std::size_t>(i)];
    CHECK(r.layers[static_cast<std::size_t>(i)].compute_cycles ==
          mapping::ideal_array_cycles(mapping::fold_count(l, 16, 16), 16, 16, l.T, mapping::WeightBuffering::Single));
  }
  auto bad = [&](const std::string& text, const std::string& needle) {
    const auto p = test::write_temp("bad_topo.csv", text);
    REQUIRE_THROWS_WITH(mapping::load_topology_csv(p), Catch::Contains(needle));
  };
  bad("L, 8, 8, 3, 3, 4, 8,\n", ":1: expected 8 fields");
  bad("L, 8, 8, 9, 3, 4, 8, 1,\n", ":1: layer 'L': filter 9x3 larger than the ifmap 8x8");
  bad("A, 8, 8, 3, 3, 4, 8, 1,\nB, 8, x, 3, 3, 4, 8, 1,\n", ":2: layer 'B': every field after the name must be an integer");
  bad("A, 8, 8, 3, 3, 4, 0, 1,\n", "Num Filter must be at least 1");
  bad("A, 8, 8, 3, 3, 4, 8, 1,\nA, 8, 8, 3, 3, 4, 8, 1,\n", ":2: duplicate layer name 'A'");
}
