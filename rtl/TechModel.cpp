#include "rtl/TechModel.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>

#include "common/Error.hpp"
#include "common/PathQuery.hpp"
#include "common/YamlFile.hpp"

#ifndef ALWANN_SOURCE_DIR
#define ALWANN_SOURCE_DIR "."
#endif

namespace alwann::rtl {

std::string TechModel::default_path() {
  if (const char* p = std::getenv("ALWANN_TECH_FILE"); p && *p) return p;
  return std::string(ALWANN_SOURCE_DIR) + "/configs/tech/generic45.yaml";
}

namespace {

double number(const YAML::Node& n, const std::string& path, const std::string& key) {
  if (!n || !n.IsScalar()) throw file_error(path, n ? n.Mark().line + 1 : 0, "'" + key + "' must be a number");
  try {
    const double v = n.as<double>();
    if (v < 0) throw file_error(path, n.Mark().line + 1, "'" + key + "' must not be negative");
    return v;
  } catch (const YAML::Exception&) {
    throw file_error(path, n.Mark().line + 1, "'" + key + "' must be a number");
  }
}

// gates.standard_cells: CELL: {inputs: {PIN: load, ...}, outputs: {PIN: fJ, ...}}
void read_standard_cells(const YAML::Node& cells, const std::string& path,
                         std::map<std::string, TechModel::CellFigures>& out) {
  if (!cells.IsMap()) throw file_error(path, cells.Mark().line + 1, "'gates.standard_cells' must be a map of cells");
  for (auto it = cells.begin(); it != cells.end(); ++it) {
    const std::string name = it->first.as<std::string>(), key = "gates.standard_cells." + name;
    const YAML::Node c = it->second;
    if (!c.IsMap() || !c["inputs"] || !c["outputs"] || c.size() != 2)
      throw file_error(path, it->first.Mark().line + 1, "'" + key + "' must have exactly 'inputs' and 'outputs'");
    TechModel::CellFigures f;
    for (const char* side : {"inputs", "outputs"}) {
      const YAML::Node pins = c[side];
      if (!pins.IsMap() || pins.size() == 0)
        throw file_error(path, pins.Mark().line + 1, "'" + key + "." + side + "' must map pin names to numbers");
      auto& dest = std::string(side) == "inputs" ? f.input_load : f.output_fj;
      for (auto p = pins.begin(); p != pins.end(); ++p) {
        const std::string pin = p->first.as<std::string>();
        if (f.input_load.count(pin) || f.output_fj.count(pin))
          throw file_error(path, p->first.Mark().line + 1, "pin '" + pin + "' of " + key + " is listed twice");
        dest[pin] = number(p->second, path, key + "." + side + "." + pin);
      }
    }
    out[name] = std::move(f);
  }
}

}  // namespace

TechModel TechModel::load(const std::string& path) try {
  if (!path_exists(path)) throw file_error(path, "technology file not found");
  const YAML::Node root = load_yaml_file(path);  // duplicate keys rejected as in every config file
  const YAML::Node gates = root["gates"];
  if (!gates || !gates.IsMap()) throw file_error(path, "missing 'gates' section");
  TechModel t;
  t.path_ = path;
  t.scale_ = number(gates["calibration_scale"], path, "gates.calibration_scale");
  if (t.scale_ <= 0)  // the same range mapping/TechnologyFigures declares for simulate
    throw file_error(path, gates["calibration_scale"].Mark().line + 1, "'gates.calibration_scale' must be > 0");
  t.load_fj_per_input_ = number(gates["load_fj_per_input"], path, "gates.load_fj_per_input");
  const YAML::Node cells = gates["cells"];
  if (!cells || !cells.IsMap()) throw file_error(path, gates.Mark().line + 1, "missing 'gates.cells' map");
  for (int i = 0; i < kGateTypeCount; ++i) {
    const GateType type = static_cast<GateType>(i);
    if (type == GateType::CONST) continue;
    const std::string name = gate_type_name(type);
    const YAML::Node c = cells[name];
    if (!c) throw file_error(path, cells.Mark().line + 1, "gates.cells has no entry for " + name);
    t.internal_fj_[i] = number(c["internal_fj"], path, "gates.cells." + name + ".internal_fj");
    t.area_um2_[i] = number(c["area_um2"], path, "gates.cells." + name + ".area_um2");
  }
  for (auto it = cells.begin(); it != cells.end(); ++it) {
    GateType dummy;
    const std::string name = it->first.as<std::string>();
    if (!parse_gate_type(name, dummy) || dummy == GateType::CONST)
      throw file_error(path, it->first.Mark().line + 1, "unknown gate type '" + name + "' in gates.cells");
  }
  if (const YAML::Node std_cells = gates["standard_cells"]) read_standard_cells(std_cells, path, t.standard_cells_);
  return t;
} catch (const YAML::Exception& e) {
  // e.g. a list or map where a single value belongs (found by fuzzing)
  const std::string what = dynamic_cast<const YAML::BadConversion*>(&e)
                               ? "expected a single value here, not a list or map"
                               : "unexpected YAML structure (" + e.msg + ")";
  throw e.mark.is_null() ? file_error(path, what) : file_error(path, e.mark.line + 1, what);
}

}  // namespace alwann::rtl
