#include "mapping/TechnologyFigures.hpp"

#include <algorithm>
#include <cmath>

namespace alwann::mapping {

namespace {
ParamDecl num(std::string key, std::string unit, std::string def, std::string desc) {
  ParamDecl d;
  d.key = std::move(key);
  d.type = ParamType::Number;
  d.unit = std::move(unit);
  d.default_value = std::move(def);
  d.description = std::move(desc);
  d.min = 0;
  return d;
}
}  // namespace

const std::vector<SectionDecl>& TechnologyFigures::sections() {
  static const std::vector<SectionDecl> s = {
      {"technology", "accumulator", "partial-sum adders in the PEs and outside the array",
       {num("add_pj", "pJ", "0.1", "one 32-bit integer addition (Horowitz ISSCC 2014, 45 nm)")}},
      {"technology", "register", "pipeline registers between PEs",
       {num("pj_per_byte", "pJ/byte", "0.115",
            "register access, Eyeriss ratio register:MAC = 1:1 per 16-bit word, MAC = 0.23 pJ")}},
      {"technology", "sram", "global buffer access energy by capacity (Horowitz ISSCC 2014)",
       {num("pj_per_byte_8kib", "pJ/byte", "1.25", "8 KB SRAM, 10 pJ per 64-bit access"),
        num("pj_per_byte_32kib", "pJ/byte", "2.5", "32 KB SRAM, 20 pJ per 64-bit access"),
        num("pj_per_byte_1mib", "pJ/byte", "12.5", "1 MB SRAM, 100 pJ per 64-bit access")}},
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

TechnologyFigures TechnologyFigures::load(const std::string& path) {
  const YAML::Node root = load_yaml_file(path);
  if (!root.IsMap()) throw file_error(path, "a technology file must be a mapping of sections");
  TechnologyFigures t;
  t.path = path;
  const auto& s = sections();
  auto reader = [&](int i) { return SectionReader(path, root[s[i].name], s[i]); };
  t.accumulator_add_pj = reader(0).number("add_pj");
  t.register_pj_per_byte = reader(1).number("pj_per_byte");
  const auto sram = reader(2);
  t.sram_pj_per_byte_8kib = sram.number("pj_per_byte_8kib");
  t.sram_pj_per_byte_32kib = sram.number("pj_per_byte_32kib");
  t.sram_pj_per_byte_1mib = sram.number("pj_per_byte_1mib");
  t.dram_pj_per_byte = reader(3).number("pj_per_byte");
  const auto leak = reader(4);
  t.pe_active_leakage_uw = leak.number("pe_active_uw");
  t.pe_gated_leakage_uw = leak.number("pe_gated_uw");
  t.wakeup_pj_per_pe = reader(5).number("wakeup_pj_per_pe");
  const auto vec = reader(6);
  t.vector_op_pj = vec.number("op_pj");
  t.vector_mac_pj = vec.number("mac_pj");
  return t;
}

double TechnologyFigures::sram_pj_per_byte(double bytes) const {
  const double x[3] = {std::log2(8.0 * 1024), std::log2(32.0 * 1024), std::log2(1024.0 * 1024)};
  const double y[3] = {sram_pj_per_byte_8kib, sram_pj_per_byte_32kib, sram_pj_per_byte_1mib};
  const double lx = std::log2(std::max(bytes, 1.0));
  if (lx <= x[0]) return y[0];
  if (lx >= x[2]) return y[2];
  const int i = lx < x[1] ? 0 : 1;
  return y[i] + (y[i + 1] - y[i]) * (lx - x[i]) / (x[i + 1] - x[i]);
}

}  // namespace alwann::mapping
