#pragma once
// Inputs and results of a simulation run (plain structs, no SystemC).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mapping/AcceleratorConfig.hpp"
#include "mapping/LayerWork.hpp"
#include "mapping/MappingConfig.hpp"
#include "mapping/Schedule.hpp"
#include "sim/Stats.hpp"

namespace alwann::sim {

enum class Detail { Fold, Pe };
Detail parse_detail(const std::string& s);  // "fold" | "pe", else alwann::Error
const char* detail_name(Detail d);

// The 8-bit codes one layer's array sees, per group: weights N x K row-major
// (port A), activations T x K row-major (im2col, port B).
struct LayerOperands {
  std::vector<std::vector<std::uint8_t>> weights, activations;
  std::string content_key;  // hash of the codes (operand_content_key), "" = not computed yet
};
// A hash of the codes, so caches keyed by operands need not rehash them per run.
std::string operand_content_key(const LayerOperands& ops);
using LayerOperandsPtr = std::shared_ptr<const LayerOperands>;

struct SimOptions {
  Detail detail = Detail::Fold;
  int images = 1;                 // images simulated back to back (timing and energy per image reported)
  int sample_segments = 1024;     // fold level: operand-stream segments per layer for multiplier energy
  int segment_length = 64;        // operations per segment
  std::uint64_t seed = 1;
  bool record_pe_streams = false; // pe level: keep every PE's operand stream (tests)
  bool keep_outputs = false;      // pe level: keep the raw array sums (tests)
};

// Energy components, pJ per image.
struct EnergyBreakdown {
  double multiply = 0, accumulate = 0, registers = 0, psum_buffer = 0, global_buffer = 0, dram = 0,
         vector_unit = 0, leakage = 0, wakeup = 0;
  double total() const {
    return multiply + accumulate + registers + psum_buffer + global_buffer + dram + vector_unit + leakage + wakeup;
  }
  EnergyBreakdown& operator+=(const EnergyBreakdown& o);
  std::vector<std::pair<std::string, double>> components() const;  // name -> pJ
};

// Mean energy of one multiplication from toggle counting, with its 95 % confidence interval.
struct MultiplyEnergy {
  double mean_fj = 0, ci95_fj = 0;
  std::int64_t sampled_ops = 0;  // fold level: sample size; pe level: every operation
  bool exact_count = false;      // pe level: counted on the full stream
};

// The data-dependent PE datapath figures of one layer (sim/MultiplyEnergy):
// multiplier and accumulator-adder toggle energy per operation, and the mean
// bit flips per MAC of the activation and partial-sum registers.
struct PeDatapathEnergy {
  MultiplyEnergy multiply, add;
  double activation_flips = 0, psum_flips = 0;
};

struct LayerResult {
  int id = 0;
  std::string name, op, unit, multiplier;  // unit "vector" for the vector unit, "" for no work
  std::int64_t macs = 0, folds = 0;
  std::int64_t cycles = 0;          // per image: layer start (after dependencies) to end
  std::int64_t compute_cycles = 0;  // fold formula without stalls (docs/simulation.md)
  std::int64_t gb_stall_cycles = 0, dram_cycles = 0, wakeup_cycles = 0, wait_cycles = 0;
  std::int64_t gb_read_bytes = 0, gb_write_bytes = 0, dram_bytes = 0;
  double utilization = 0;  // macs / (array cycles * R * C)
  MultiplyEnergy multiply;
  MultiplyEnergy add;              // accumulator adder, fJ per addition (sampled at both levels)
  double register_flips_per_mac = 0;  // activation + partial-sum register bit flips per MAC (sampled)
  double measured_multiply_fj = 0;  // pe level: toggle energy of every operation, all images
  double measured_add_fj = 0;       // pe level: adder toggle energy of every MAC, all images
  std::int64_t measured_register_flips = 0;  // pe level: activation + partial-sum register flips, all images
  std::int64_t measured_ops = 0;
  EnergyBreakdown energy;         // pJ per image
  EnergyBreakdown energy_random;  // the same with uniformly random operand codes (reference column)
};

struct PeStream {  // one PE's operand stream (record_pe_streams)
  std::vector<std::uint8_t> a, b;
};

struct SimResult {
  std::string accelerator, mapping, detail;
  int images = 0;
  std::int64_t cycles = 0;          // all images
  double latency_s = 0;             // first image, start to end
  double throughput_ips = 0;        // images per second in steady state
  std::int64_t latency_cycles = 0;
  EnergyBreakdown energy;           // per image
  EnergyBreakdown energy_random;    // per image, multiplier/adder/register data on uniformly random codes
  double multiply_energy_pj = 0;    // == energy.multiply
  std::optional<double> library_power_metric_mw;  // MAC-weighted mean library power (reference §1)
  std::optional<double> accuracy;
  int accuracy_images = 0;          // test images behind `accuracy`
  std::string operands = "random";  // "data": the first test image's codes; "random": seeded random codes
  std::vector<LayerResult> layers;
  StatGroup stats{"sim"};
  // pe level, when requested:
  std::map<std::string, std::vector<PeStream>> pe_streams;        // "layer/unit" -> per PE (r*C + c)
  std::map<int, std::vector<std::vector<std::int32_t>>> outputs;  // layer id -> per group T x N raw sums
  double pe_multiply_energy_fj = 0;                                // pe level: sum over all PE toggle simulators
};

}  // namespace alwann::sim
