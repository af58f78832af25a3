#pragma once
// A mapping (configs/mappings/*.yaml): which accelerator, which multiplier on
// each unit, which unit runs each approximable layer. Parsed once; resolved
// against a network (names, counts) by resolve_mapping() before any model runs.
//
//   accelerator: configs/accelerators/tile_array_4.yaml   # --accelerator overrides
//   multipliers: [mul8u_exact, mul8u_trunc4, ...]   # per unit, in unit order, or {unit: name}
//   layers: [tile0, tile1, ...]   # per approximable layer in topological order,
//                                 # or {layer_name: unit}, or auto
//   default_unit: tile0           # optional: unit of layers a map leaves out
//   library: [../my_muls/lib.yaml] # optional: multiplier libraries the names come
//                                  # from, relative to this file (loaded by the cli)
#include <string>
#include <vector>

#include "mapping/AcceleratorConfig.hpp"
#include "mapping/ConfigParam.hpp"
#include "mapping/LayerWork.hpp"

namespace alwann::mapping {

struct MappingConfig {
  std::string path, name;
  std::string accelerator_path;  // resolved
  // Per unit: multiplier name ("" = unused unit without a multiplier).
  std::vector<std::string> unit_multipliers;
  bool auto_layers = false;
  // Per approximable layer: unit name, either positional (list form) or by layer name.
  std::vector<std::string> layer_units_list;
  std::vector<std::pair<std::string, std::string>> layer_units_map;
  std::string default_unit;
  // `library:` paths resolved against the mapping file's folder (existence
  // checked); imported by the command before multiplier names are resolved.
  std::vector<std::string> library_paths;
  // Lines for messages.
  int multipliers_line = 0, layers_line = 0, library_line = 0;
  std::vector<int> list_lines;

  // Parses the file; `accelerator_override` (may be empty) replaces its accelerator.
  static MappingConfig load(const std::string& path, const std::string& accelerator_override = "");
  // The uniform mapping: every unit the same multiplier, every layer on unit 0
  // (tile_array) or auto-partitioned (pipelined).
  static MappingConfig uniform(const AcceleratorConfig& acc, const std::string& multiplier);
  static const std::vector<SectionDecl>& sections();
};

// A mapping resolved against an accelerator and a network.
struct ResolvedMapping {
  std::vector<std::string> unit_multipliers;  // per unit
  std::vector<int> unit_of_layer;             // per layer id; -1 = vector unit / no work
  std::string multiplier_of_layer(int id) const {
    return unit_of_layer[id] < 0 ? std::string() : unit_multipliers[unit_of_layer[id]];
  }
};

// Checks unit names, counts and, for pipelined accelerators, contiguity; runs
// the optimal stage partition for `auto`. `cost(unit, layer)` is only used for
// auto (defaults to the lone-layer array cycles). Throws alwann::Error with the
// mapping file and line.
ResolvedMapping resolve_mapping(const MappingConfig& m, const AcceleratorConfig& acc, const NetworkWork& work);

}  // namespace alwann::mapping
