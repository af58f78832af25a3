#pragma once
// The typed description of an accelerator (configs/accelerators/*.yaml),
// parsed and validated once; the models only ever see these plain structs
// (DRAMSys style). Two styles:
//   tile_array  T identical R x C weight-stationary tiles, time-multiplexed
//               between layers, idle tiles power-gated (the ALWANN paper);
//   pipelined   one compute unit per pipeline stage, each its own array size,
//               images streaming through double-buffered stage buffers.
#include <cstdint>
#include <string>
#include <vector>

#include "mapping/ConfigParam.hpp"
#include "mapping/TechnologyFigures.hpp"

namespace alwann::mapping {

enum class AcceleratorStyle { TileArray, Pipelined };
// single = SCALE-Sim convention (weight load never overlaps the previous
// fold); double = the next fold's weights load behind the current fold.
enum class WeightBuffering { Single, Double };
// Where partial sums of successive row folds accumulate: a small SRAM beside
// each array (TPU-style accumulators), or the global buffer (SCALE-Sim).
enum class PartialSums { Accumulators, GlobalBuffer };

struct ComputeUnitConfig {
  std::string name;  // tile_array: "tile0".."tile<T-1>"
  int rows = 16, cols = 16;
  int pes() const { return rows * cols; }
};

struct GlobalBufferConfig {
  std::int64_t size_bytes = 0;
  double bytes_per_cycle = 0;  // shared read port (activations and weights into the arrays)
  double energy_pj_per_byte = 0;
};

struct DramConfig {
  double bytes_per_cycle = 0;
  double energy_pj_per_byte = 0;
  bool prefetch_weights = true;  // fetch a unit's next layer's weights when its current layer starts
  bool weights_resident = true;  // weights stay in the global buffer across images when they fit
};

struct VectorUnitConfig {
  int lanes = 16;  // element operations per cycle
  bool fuse_elementwise = true;  // Relu/Add/pool after an array layer run in its output path
  double energy_pj_per_op = 0, energy_pj_per_mac = 0;
};

struct PowerGatingConfig {
  bool enabled = true;
  std::int64_t idle_threshold_cycles = 0;  // idle this long -> gated
  std::int64_t wakeup_cycles = 0;
  // Per PE, so units of different sizes scale: a tile's figure is this * rows * cols.
  double wakeup_pj_per_pe = 0;
  double active_leakage_uw_per_pe = 0;
  double gated_leakage_uw_per_pe = 0;
};

struct AcceleratorConfig {
  std::string path, name;
  AcceleratorStyle style = AcceleratorStyle::TileArray;
  double clock_hz = 0;
  WeightBuffering weight_buffering = WeightBuffering::Double;
  PartialSums partial_sums = PartialSums::Accumulators;
  std::int64_t accumulator_bytes = 0;      // per unit
  int accumulator_banks = 1;
  double accumulator_pj_per_byte = 0;      // technology sram model, by accumulator size and banks
  bool weight_clock_gating = true;         // weight registers clocked only while loading
  std::vector<ComputeUnitConfig> units;
  GlobalBufferConfig global_buffer;
  DramConfig dram;
  VectorUnitConfig vector_unit;
  PowerGatingConfig power_gating;
  TechnologyFigures tech;

  int unit_index(const std::string& name) const;  // -1 if none
  std::string unit_names() const;                 // "tile0, tile1, ..."

  static AcceleratorConfig load(const std::string& path);  // throws alwann::Error
  static const std::vector<SectionDecl>& sections();
};

const char* style_name(AcceleratorStyle s);

// Resolves a path named inside a config file: absolute, relative to the
// working directory, or relative to the config's directory or any parent of
// it (so "configs/tech/x.yaml" works from a build directory too).
std::string resolve_config_path(const std::string& named, const std::string& referring_file);

}  // namespace alwann::mapping
