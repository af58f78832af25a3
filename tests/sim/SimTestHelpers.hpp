#pragma once
#include <filesystem>
#include <fstream>
#include <string>

#include "../mapping/TestHelpers.hpp"
#include "mapping/AcceleratorConfig.hpp"
#include "mapping/LayerWork.hpp"
#include "mapping/MappingConfig.hpp"
#include "sim/Simulator.hpp"

namespace alwann::test {

// A tile_array accelerator with `tiles` R x C tiles.
inline mapping::AcceleratorConfig tile_array(int tiles, int R, int C, const std::string& buffering, double gb_bw,
                                             bool gating = true, double dram_bw = 16) {
  const std::string yaml = "style: tile_array\ntechnology: " + source_path("configs/tech/generic45.yaml") +
                           "\nweight_buffering: " + buffering + "\ntile_array:\n  tiles: " + std::to_string(tiles) +
                           "\n  rows: " + std::to_string(R) + "\n  cols: " + std::to_string(C) +
                           "\nglobal_buffer:\n  bytes_per_cycle: " + std::to_string(gb_bw) +
                           "\ndram:\n  bytes_per_cycle: " + std::to_string(dram_bw) +
                           "\npower_gating:\n  enabled: " + (gating ? "true" : "false") + "\n";
  return mapping::AcceleratorConfig::load(
      write_temp("ta_" + std::to_string(tiles) + "_" + std::to_string(R) + "x" + std::to_string(C) + buffering +
                     std::to_string(static_cast<int>(gb_bw)) + (gating ? "g" : "n") + ".yaml",
                 yaml));
}

inline mapping::AcceleratorConfig pipelined(int R0, int C0, int R1, int C1, const std::string& buffering, double gb_bw) {
  const std::string yaml = "style: pipelined\ntechnology: " + source_path("configs/tech/generic45.yaml") +
                           "\nweight_buffering: " + buffering + "\npipelined:\n  units:\n    - {name: s0, rows: " +
                           std::to_string(R0) + ", cols: " + std::to_string(C0) + "}\n    - {name: s1, rows: " +
                           std::to_string(R1) + ", cols: " + std::to_string(C1) +
                           "}\nglobal_buffer:\n  bytes_per_cycle: " + std::to_string(gb_bw) + "\n";
  return mapping::AcceleratorConfig::load(write_temp("pl_" + buffering + std::to_string(R0) + std::to_string(C1) +
                                                         std::to_string(static_cast<int>(gb_bw)) + ".yaml",
                                                     yaml));
}

// A network of just an input and the given layers chained (ids renumbered).
inline mapping::NetworkWork chain(std::vector<mapping::LayerWork> layers) {
  mapping::NetworkWork w;
  mapping::LayerWork in;
  in.name = "input";
  in.op = "Input";
  w.push_back(in);
  for (auto& l : layers) {
    l.id = static_cast<int>(w.size());
    l.preds = {l.id - 1};
    w.push_back(l);
  }
  return w;
}

inline mapping::MappingConfig uniform(const mapping::AcceleratorConfig& acc, const std::string& mul) {
  return mapping::MappingConfig::uniform(acc, mul);
}

}  // namespace alwann::test
