#include "mapping/TechnologyFigures.hpp"

#include <algorithm>
#include <cmath>

#include "rtl/TechModel.hpp"

namespace alwann::mapping {

namespace {
ParamDecl num(std::string key, std::string unit, std::string def, std::string desc, double min = 0,
              double max = std::numeric_limits<double>::infinity()) {
  ParamDecl d;
  d.key = std::move(key);
  d.type = ParamType::Number;
  d.unit = std::move(unit);
  d.default_value = std::move(def);
  d.description = std::move(desc);
  d.min = min;
  d.max = max;
  return d;
}
ParamDecl integer(std::string key, std::string unit, std::string def, std::string desc, double min, double max) {
  ParamDecl d = num(std::move(key), std::move(unit), std::move(def), std::move(desc), min, max);
  d.type = ParamType::Integer;
  return d;
}
constexpr double kTiny = 1e-9;  // "> 0"
}  // namespace

const std::vector<SectionDecl>& TechnologyFigures::sections() {
  static const std::vector<SectionDecl> s = {
      {"technology", "gates", "gate-level toggle energy of multiplier and adder netlists (rtl/TechModel; cells: per type internal_fj, area_um2; standard_cells, optional: per standard cell inputs {pin: load in gate inputs} and outputs {pin: fJ per toggle})",
       {num("load_fj_per_input", "fJ", "", "0.5 C Vdd^2 per driven input", 0),
        num("calibration_scale", "", "", "scale on every gate toggle (calibrates the exact 8x8 multiplier to 0.2 pJ)", kTiny)}},
      {"technology", "accumulator", "the PE's partial-sum adder (toggle-counted with the gates figures)",
       {integer("width_bits", "bits", "32", "adder and partial-sum register width", 16, 64)}},
      {"technology", "register", "PE pipeline flip-flops (activation, partial sum, weights)",
       {num("clock_fj_per_bit", "fJ", "3", "one flip-flop clocked one cycle, data unchanged (share of Aladdin's 9 fJ/bit access)"),
        num("toggle_fj_per_bit", "fJ", "6", "extra energy when the stored bit changes (rest of Aladdin's 9 fJ/bit access)")}},
      {"technology", "sram", "SRAM per 64-bit access: bank_pj_4kib*(bank KiB/4)^bank_exponent + routing_pj_per_bank*banks",
       {num("bank_pj_4kib", "pJ", "2.165", "one 4 KiB bank (fit of Accelergy CACTI 45 nm tables)", kTiny),
        num("bank_exponent", "", "1.0196", "growth of a bank's access energy with its capacity (same fit)", 0, 2),
        num("routing_pj_per_bank", "pJ", "1.0374", "routing/H-tree energy per bank per access (same fit)")}},
      {"technology", "dram", "off-chip memory",
       {num("pj_per_byte", "pJ/byte", "64", "LPDDR4 8 pJ/bit (Accelergy CACTI plug-in tables)")}},
      {"technology", "leakage", "static power of the processing elements",
       {num("pe_active_uw", "uW", "20", "one powered PE (assumption: ~5 % of the 0.391 mW exact multiplier)"),
        num("pe_gated_uw", "uW", "1", "one power-gated PE (assumption: 5 % of active leakage)")}},
      {"technology", "power_gating", "waking a gated tile",
       {num("wakeup_pj_per_pe", "pJ", "1", "rail recharge C*Vdd^2 (assumption: ~1 pF per PE at 1.0 V)")}},
      {"technology", "vector_unit", "exact unit for non-approximable layers",
       {num("op_pj", "pJ", "0.1", "one element operation (32-bit add, Horowitz ISSCC 2014)"),
        num("mac_pj", "pJ", "0.3", "one exact 8-bit MAC (0.2 pJ multiply + 0.1 pJ 32-bit add, Horowitz)")}},
  };
  return s;
}

TechnologyFigures TechnologyFigures::load(const std::string& path) try {
  const YAML::Node root = load_yaml_file(path);
  if (!root.IsMap()) throw file_error(path, "a technology file must be a mapping of sections");
  TechnologyFigures t;
  t.path = path;
  const auto& s = sections();
  auto reader = [&](int i, std::vector<std::string> sub = {}) {
    if (!root[s[i].name].IsDefined()) throw file_error(path, "missing section '" + s[i].name + "' (" + s[i].description + ")");
    return SectionReader(path, root[s[i].name], s[i], 0, std::move(sub));
  };
  const auto gates = reader(0, {"cells", "standard_cells"});
  gates.number("load_fj_per_input");
  gates.number("calibration_scale");
  rtl::TechModel::load(path);  // the cell table, read as `characterize` reads it
  t.accumulator_bits = static_cast<int>(SectionReader(path, root["accumulator"], s[1]).integer("width_bits"));
  const SectionReader reg(path, root["register"], s[2]);
  t.register_clock_fj_per_bit = reg.number("clock_fj_per_bit");
  t.register_toggle_fj_per_bit = reg.number("toggle_fj_per_bit");
  const SectionReader sram(path, root["sram"], s[3]);
  t.sram_bank_pj_4kib = sram.number("bank_pj_4kib");
  t.sram_bank_exponent = sram.number("bank_exponent");
  t.sram_routing_pj_per_bank = sram.number("routing_pj_per_bank");
  t.dram_pj_per_byte = SectionReader(path, root["dram"], s[4]).number("pj_per_byte");
  const SectionReader leak(path, root["leakage"], s[5]);
  t.pe_active_leakage_uw = leak.number("pe_active_uw");
  t.pe_gated_leakage_uw = leak.number("pe_gated_uw");
  t.wakeup_pj_per_pe = SectionReader(path, root["power_gating"], s[6]).number("wakeup_pj_per_pe");
  const SectionReader vec(path, root["vector_unit"], s[7]);
  t.vector_op_pj = vec.number("op_pj");
  t.vector_mac_pj = vec.number("mac_pj");
  return t;
} catch (const YAML::Exception& e) {
  throw yaml_structure_error(path, e);
}

double TechnologyFigures::sram_access_pj(double bytes, int banks, int word_bits) const {
  const int b = std::max(1, banks);
  const double bank_kib = std::max(bytes, 1.0) / 1024.0 / b;
  const double e64 = sram_bank_pj_4kib * std::pow(bank_kib / 4.0, sram_bank_exponent) + sram_routing_pj_per_bank * b;
  return e64 * word_bits / 64.0;
}

double TechnologyFigures::sram_pj_per_byte(double bytes, int banks, int word_bits) const {
  return sram_access_pj(bytes, banks, word_bits) / (word_bits / 8.0);
}

}  // namespace alwann::mapping
