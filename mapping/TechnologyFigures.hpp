#pragma once
// The accelerator-level energy figures of a technology file (configs/tech/*.yaml):
// the sections `accumulator`, `register`, `sram`, `dram`, `leakage`,
// `power_gating` and `vector_unit`. The `gates` section belongs to
// rtl::TechModel (multiplier netlists) and is not read here. Every figure in
// the shipped file carries its source; the declared defaults equal them.
#include <string>
#include <vector>

#include "mapping/ConfigParam.hpp"

namespace alwann::mapping {

struct TechnologyFigures {
  std::string path;
  double accumulator_add_pj = 0;        // one in-array partial-sum addition (32-bit)
  double register_pj_per_byte = 0;      // pipeline register write in a PE
  double sram_pj_per_byte_8kib = 0;     // global buffer access energy by capacity
  double sram_pj_per_byte_32kib = 0;
  double sram_pj_per_byte_1mib = 0;
  double dram_pj_per_byte = 0;
  double pe_active_leakage_uw = 0;      // one PE, powered
  double pe_gated_leakage_uw = 0;       // one PE, power-gated
  double wakeup_pj_per_pe = 0;          // recharging a gated PE's rail
  double vector_op_pj = 0;              // one element operation of the vector unit
  double vector_mac_pj = 0;             // one exact 8-bit MAC on the vector unit

  // Energy per byte of an SRAM of `bytes` capacity, log-interpolated between
  // the three tabulated sizes (clamped outside them).
  double sram_pj_per_byte(double bytes) const;

  static TechnologyFigures load(const std::string& path);  // throws alwann::Error
  static const std::vector<SectionDecl>& sections();
};

}  // namespace alwann::mapping
