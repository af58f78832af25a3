#pragma once
// The accelerator-level energy figures of a technology file (configs/tech/*.yaml):
// the sections `accumulator`, `register`, `sram`, `dram`, `leakage`,
// `power_gating` and `vector_unit`, plus the declaration (ranges, for
// describe-config) of `gates`, whose cell table rtl::TechModel reads; load()
// validates the whole file, gates included, so `simulate` and `characterize`
// accept the same files. Every figure in the shipped file carries its source;
// the declared defaults equal them.
#include <string>
#include <vector>

#include "mapping/ConfigParam.hpp"

namespace alwann::mapping {

struct TechnologyFigures {
  std::string path;
  int accumulator_bits = 32;            // PE adder and partial-sum register width
  double register_clock_fj_per_bit = 0;   // one flip-flop clocked for one cycle, data unchanged
  double register_toggle_fj_per_bit = 0;  // extra when the stored bit changes
  // SRAM per 64-bit access: bank_pj * (bank_kib / 4)^exponent + routing_pj * banks
  // (a fit of Accelergy's CACTI-based 45 nm tables, see the technology file).
  double sram_bank_pj_4kib = 0, sram_bank_exponent = 1, sram_routing_pj_per_bank = 0;
  double dram_pj_per_byte = 0;
  double pe_active_leakage_uw = 0;      // one PE, powered
  double pe_gated_leakage_uw = 0;       // one PE, power-gated
  double wakeup_pj_per_pe = 0;          // recharging a gated PE's rail
  double vector_op_pj = 0;              // one element operation of the vector unit
  double vector_mac_pj = 0;             // one exact 8-bit MAC on the vector unit

  // Energy of one access of `word_bits` to an SRAM of `bytes` in `banks`
  // banks (linear in the word width), and per byte moved in full words.
  double sram_access_pj(double bytes, int banks, int word_bits) const;
  double sram_pj_per_byte(double bytes, int banks, int word_bits) const;

  static TechnologyFigures load(const std::string& path);  // throws alwann::Error
  static const std::vector<SectionDecl>& sections();
};

}  // namespace alwann::mapping
