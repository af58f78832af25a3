#include "mapping/AcceleratorConfig.hpp"

#include <filesystem>

#include "common/PathQuery.hpp"

namespace alwann::mapping {

namespace fs = std::filesystem;

namespace {
ParamDecl p(std::string key, ParamType t, std::string unit, std::string def, std::string desc,
            double min = -1e300, double max = 1e300, bool pow2 = false) {
  ParamDecl d;
  d.key = std::move(key);
  d.type = t;
  d.unit = std::move(unit);
  d.default_value = std::move(def);
  d.description = std::move(desc);
  d.min = min;
  d.max = max;
  d.power_of_two = pow2;
  return d;
}
ParamDecl choice(std::string key, std::vector<std::string> choices, std::string def, std::string desc) {
  ParamDecl d = p(std::move(key), ParamType::Choice, "", std::move(def), std::move(desc));
  d.choices = std::move(choices);
  return d;
}
constexpr double kBig = 1e300;
}  // namespace

const char* style_name(AcceleratorStyle s) {
  return s == AcceleratorStyle::TileArray ? "tile_array" : "pipelined";
}

const std::vector<SectionDecl>& AcceleratorConfig::sections() {
  using T = ParamType;
  static const std::vector<SectionDecl> s = {
      {"accelerator", "", "top level",
       {p("name", T::Text, "", "-", "display name (default: the file name)"),
        choice("style", {"tile_array", "pipelined"}, "", "tile_array: time-multiplexed tiles; pipelined: one unit per stage"),
        p("technology", T::Text, "path", "", "technology file with energy figures (configs/tech/*.yaml)"),
        p("clock_mhz", T::Number, "MHz", "500", "clock frequency of arrays, buffers and vector unit", 1e-3, 1e5),
        choice("weight_buffering", {"single", "double"}, "double",
               "single: SCALE-Sim convention, weight load never overlaps a fold; double: next fold's weights load behind the current fold"),
        choice("partial_sums", {"accumulators", "global_buffer"}, "accumulators",
               "where row-fold partial sums (32-bit) accumulate: an SRAM beside each array, or the global buffer (SCALE-Sim)"),
        p("accumulator_kib", T::Number, "KiB", "64",
          "accumulator SRAM per unit; a column fold's live partial sums (4*T*n bytes) beyond it spill to the global buffer", 0.125, 1e6),
        p("accumulator_banks", T::Integer, "count", "4", "banks of the accumulator SRAM (technology sram model)", 1, 1024),
        p("weight_clock_gating", T::Flag, "", "true",
          "weight registers are clocked only while a fold's weights shift in (false: every cycle, like the other PE registers)")}},
      {"accelerator", "tile_array", "style tile_array: identical weight-stationary tiles",
       {p("tiles", T::Integer, "count", "", "number of tiles", 1, 1024, true),
        p("rows", T::Integer, "PEs", "16", "array rows R (reduction dimension K)", 1, 1024, true),
        p("cols", T::Integer, "PEs", "16", "array columns C (output channels N)", 1, 1024, true)}},
      {"accelerator", "pipelined", "style pipelined: one compute unit per stage",
       {p("units", T::List, "", "", "list of {name, rows, cols}; rows and cols powers of two")}},
      {"accelerator", "global_buffer", "on-chip SRAM shared by all units",
       {p("size_kib", T::Number, "KiB", "256", "capacity; activations spill to DRAM when a layer's input+output do not fit", 1, 1073741824.0),
        p("bytes_per_cycle", T::Number, "bytes/cycle", "64", "shared read bandwidth into the arrays", 1e-3, kBig),
        p("banks", T::Integer, "count", "16", "banks (technology sram model: per-bank size and routing)", 1, 4096),
        p("word_bits", T::Integer, "bits", "64", "access width (technology sram model)", 8, 1024, true),
        p("energy_pj_per_byte", T::Number, "pJ/byte", "technology", "access energy (default: technology sram model by size, banks and word)", 0, kBig)}},
      {"accelerator", "dram", "off-chip memory",
       {p("bytes_per_cycle", T::Number, "bytes/cycle", "16", "bandwidth at the accelerator clock", 1e-3, kBig),
        p("energy_pj_per_byte", T::Number, "pJ/byte", "technology", "access energy (default: technology dram)", 0, kBig),
        p("prefetch_weights", T::Flag, "", "true",
          "fetch the weights of a unit's next layer when its current layer starts (false: at the layer's own start)"),
        p("weights_resident", T::Flag, "", "true",
          "keep every array layer's weights in the global buffer across images when they fit beside the largest layer's activations (fetched once per run)")}},
      {"accelerator", "vector_unit", "exact unit for non-approximable layers (pooling, add, requantise, fully connected)",
       {p("lanes", T::Integer, "ops/cycle", "16", "element operations (or MACs) per cycle", 1, 65536),
        p("fuse_elementwise", T::Flag, "", "true",
          "Relu/Clip/Add/pooling right after an array layer run in the array's output path: no cycles, no buffer round trip (only extra operands read)"),
        p("energy_pj_per_op", T::Number, "pJ", "technology", "one element operation (default: technology vector_unit.op_pj)", 0, kBig),
        p("energy_pj_per_mac", T::Number, "pJ", "technology", "one exact MAC (default: technology vector_unit.mac_pj)", 0, kBig)}},
      {"accelerator", "power_gating", "idle tiles switch off",
       {p("enabled", T::Flag, "", "true", "gate idle tiles (tiles also start gated)"),
        p("idle_threshold_cycles", T::Integer, "cycles", "1000", "idle time after which a tile is gated", 0, kBig),
        p("wakeup_cycles", T::Integer, "cycles", "100", "latency of waking a gated tile", 0, kBig),
        p("wakeup_energy_pj_per_pe", T::Number, "pJ", "technology", "wake-up energy per PE of the woken tile (default: technology power_gating.wakeup_pj_per_pe)", 0, kBig),
        p("active_leakage_uw_per_pe", T::Number, "uW", "technology", "leakage per PE of a powered tile (default: technology leakage.pe_active_uw)", 0, kBig),
        p("gated_leakage_uw_per_pe", T::Number, "uW", "technology", "leakage per PE of a gated tile (default: technology leakage.pe_gated_uw)", 0, kBig)}},
      {"accelerator", "pipelined.units[]", "one compute unit of the pipelined style (one pipeline stage)",
       {p("name", T::Text, "", "", "unit name, unique"),
        p("rows", T::Integer, "PEs", "16", "array rows R", 1, 1024, true),
        p("cols", T::Integer, "PEs", "16", "array columns C", 1, 1024, true)}},
  };
  return s;
}

std::string resolve_config_path(const std::string& named, const std::string& referring_file) {
  fs::path n(named);
  if (n.is_absolute() || path_exists(n.string())) return n.string();
  std::error_code ec;
  fs::path dir = fs::absolute(fs::path(referring_file), ec).parent_path();
  while (!dir.empty()) {
    if (path_exists((dir / n).string())) return (dir / n).lexically_normal().string();
    if (dir == dir.parent_path()) break;
    dir = dir.parent_path();
  }
  return named;  // the caller reports it as unreadable
}

int AcceleratorConfig::unit_index(const std::string& n) const {
  for (std::size_t i = 0; i < units.size(); ++i)
    if (units[i].name == n) return static_cast<int>(i);
  return -1;
}

std::string AcceleratorConfig::unit_names() const {
  std::string s;
  for (const auto& u : units) s += (s.empty() ? "" : ", ") + u.name;
  return s;
}

AcceleratorConfig AcceleratorConfig::load(const std::string& path) try {
  const YAML::Node root = load_yaml_file(path);
  const auto& s = sections();
  AcceleratorConfig a;
  a.path = path;
  const SectionReader top(path, root, s[0], 0, {"tile_array", "pipelined", "global_buffer", "dram", "vector_unit", "power_gating"});
  a.name = top.text("name");
  if (a.name == "-") a.name = fs::path(path).stem().string();
  a.style = top.text("style") == "tile_array" ? AcceleratorStyle::TileArray : AcceleratorStyle::Pipelined;
  a.clock_hz = top.number("clock_mhz") * 1e6;
  a.weight_buffering = top.text("weight_buffering") == "single" ? WeightBuffering::Single : WeightBuffering::Double;
  a.partial_sums = top.text("partial_sums") == "global_buffer" ? PartialSums::GlobalBuffer : PartialSums::Accumulators;
  a.accumulator_bytes = static_cast<std::int64_t>(top.number("accumulator_kib") * 1024);
  a.accumulator_banks = static_cast<int>(top.integer("accumulator_banks"));
  a.weight_clock_gating = top.flag("weight_clock_gating");
  const std::string tech_path = resolve_config_path(top.text("technology"), path);
  try {
    a.tech = TechnologyFigures::load(tech_path);
  } catch (const Error& e) {
    throw top.error("technology", std::string("cannot use technology file: ") + e.what());
  }

  const char* own = style_name(a.style);
  const char* other = a.style == AcceleratorStyle::TileArray ? "pipelined" : "tile_array";
  if (root[other].IsDefined())
    throw file_error(path, yaml_line(root[other]), std::string("section '") + other + "' given but style is " + own);
  if (!root[own].IsDefined()) throw file_error(path, yaml_line(root), std::string("style ") + own + " needs a section '" + own + "'");
  if (a.style == AcceleratorStyle::TileArray) {
    const SectionReader ta(path, root["tile_array"], s[1]);
    const int tiles = static_cast<int>(ta.integer("tiles"));
    for (int i = 0; i < tiles; ++i)
      a.units.push_back({"tile" + std::to_string(i), static_cast<int>(ta.integer("rows")), static_cast<int>(ta.integer("cols"))});
  } else {
    const SectionReader pl(path, root["pipelined"], s[2]);
    const YAML::Node list = pl.node("units");
    if (!list.IsSequence() || list.size() == 0) throw pl.error("units", "must be a non-empty list of {name, rows, cols}");
    const SectionDecl& unit_decl = s[7];
    for (const auto& u : list) {
      const SectionReader ur(path, u, unit_decl);
      ComputeUnitConfig c{ur.text("name"), static_cast<int>(ur.integer("rows")), static_cast<int>(ur.integer("cols"))};
      if (a.unit_index(c.name) >= 0) throw ur.error("name", "duplicate unit name '" + c.name + "'");
      a.units.push_back(c);
    }
  }

  const SectionReader gb(path, root["global_buffer"], s[3]);
  a.global_buffer.size_bytes = static_cast<std::int64_t>(gb.number("size_kib") * 1024);
  a.global_buffer.bytes_per_cycle = gb.number("bytes_per_cycle");
  a.global_buffer.energy_pj_per_byte = gb.present("energy_pj_per_byte")
                                           ? gb.number("energy_pj_per_byte")
                                           : a.tech.sram_pj_per_byte(static_cast<double>(a.global_buffer.size_bytes),
                                                                     static_cast<int>(gb.integer("banks")),
                                                                     static_cast<int>(gb.integer("word_bits")));
  // Partial sums are 32-bit words in an SRAM 64 bits wide (two per access).
  a.accumulator_pj_per_byte = a.tech.sram_pj_per_byte(static_cast<double>(a.accumulator_bytes), a.accumulator_banks, 64);
  const SectionReader dr(path, root["dram"], s[4]);
  a.dram.bytes_per_cycle = dr.number("bytes_per_cycle");
  a.dram.energy_pj_per_byte = dr.present("energy_pj_per_byte") ? dr.number("energy_pj_per_byte") : a.tech.dram_pj_per_byte;
  a.dram.prefetch_weights = dr.flag("prefetch_weights");
  a.dram.weights_resident = dr.flag("weights_resident");
  const SectionReader vu(path, root["vector_unit"], s[5]);
  a.vector_unit.lanes = static_cast<int>(vu.integer("lanes"));
  a.vector_unit.fuse_elementwise = vu.flag("fuse_elementwise");
  a.vector_unit.energy_pj_per_op = vu.present("energy_pj_per_op") ? vu.number("energy_pj_per_op") : a.tech.vector_op_pj;
  a.vector_unit.energy_pj_per_mac = vu.present("energy_pj_per_mac") ? vu.number("energy_pj_per_mac") : a.tech.vector_mac_pj;

  const SectionReader pg(path, root["power_gating"], s[6]);
  a.power_gating.enabled = pg.flag("enabled");
  a.power_gating.idle_threshold_cycles = pg.integer("idle_threshold_cycles");
  a.power_gating.wakeup_cycles = pg.integer("wakeup_cycles");
  auto tech_or = [&](const char* key, double fallback) { return pg.present(key) ? pg.number(key) : fallback; };
  a.power_gating.wakeup_pj_per_pe = tech_or("wakeup_energy_pj_per_pe", a.tech.wakeup_pj_per_pe);
  a.power_gating.active_leakage_uw_per_pe = tech_or("active_leakage_uw_per_pe", a.tech.pe_active_leakage_uw);
  a.power_gating.gated_leakage_uw_per_pe = tech_or("gated_leakage_uw_per_pe", a.tech.pe_gated_leakage_uw);

  return a;
} catch (const YAML::Exception& e) {
  throw yaml_structure_error(path, e);
}

}  // namespace alwann::mapping
