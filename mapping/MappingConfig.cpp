#include "mapping/MappingConfig.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "common/PathQuery.hpp"
#include "mapping/ArrayTiming.hpp"
#include "mapping/PipelinePartition.hpp"

namespace alwann::mapping {

const std::vector<SectionDecl>& MappingConfig::sections() {
  auto p = [](std::string key, ParamType t, std::string def, std::string desc) {
    ParamDecl d;
    d.key = std::move(key);
    d.type = t;
    d.default_value = std::move(def);
    d.description = std::move(desc);
    return d;
  };
  static const std::vector<SectionDecl> s = {
      {"mapping", "", "top level",
       {p("name", ParamType::Text, "-", "display name (default: the file name)"),
        p("accelerator", ParamType::Text, "", "accelerator file (path; --accelerator overrides)"),
        p("multipliers", ParamType::List, "", "multiplier per unit: a list in unit order or {unit: multiplier}"),
        p("layers", ParamType::List, "auto",
          "unit per approximable layer: a list in topological order, {layer: unit}, or auto "
          "(tile_array: earliest-finish tile, one multiplier on all tiles; pipelined: optimal stage partition)"),
        p("default_unit", ParamType::Text, "-", "unit of approximable layers a {layer: unit} map leaves out"),
        p("library", ParamType::List, "-",
          "multiplier libraries the names come from (Verilog, folders, .bin tables, library files), "
          "relative to the mapping file")}},
  };
  return s;
}

MappingConfig MappingConfig::load(const std::string& path, const std::string& accelerator_override) try {
  const YAML::Node root = load_yaml_file(path);
  const SectionReader top(path, root, sections()[0]);
  MappingConfig m;
  m.path = path;
  m.name = top.text("name");
  if (m.name == "-") m.name = std::filesystem::path(path).stem().string();
  m.accelerator_path = accelerator_override.empty() ? resolve_config_path(top.text("accelerator"), path)
                                                    : accelerator_override;
  if (accelerator_override.empty() && !path_exists(m.accelerator_path))
    throw top.error("accelerator", "file not found: " + m.accelerator_path);
  const YAML::Node mul = top.node("multipliers");
  m.multipliers_line = top.line("multipliers");
  if (mul.IsSequence()) {
    for (const auto& x : mul) m.unit_multipliers.push_back(x.as<std::string>());
  } else if (mul.IsMap()) {
    // Stored as "unit=name" pairs until resolved against the accelerator.
    for (auto it = mul.begin(); it != mul.end(); ++it)
      m.unit_multipliers.push_back(it->first.as<std::string>() + "=" + it->second.as<std::string>());
  } else {
    throw top.error("multipliers", "must be a list (one per unit) or a map {unit: multiplier}");
  }
  m.layers_line = top.line("layers");
  const YAML::Node layers = top.node("layers");
  if (!top.present("layers") || (layers.IsScalar() && layers.as<std::string>() == "auto")) {
    m.auto_layers = true;
  } else if (layers.IsSequence()) {
    for (const auto& x : layers) {
      m.layer_units_list.push_back(x.as<std::string>());
      m.list_lines.push_back(yaml_line(x));
    }
  } else if (layers.IsMap()) {
    for (auto it = layers.begin(); it != layers.end(); ++it) {
      m.layer_units_map.emplace_back(it->first.as<std::string>(), it->second.as<std::string>());
      m.list_lines.push_back(yaml_line(it->first));
    }
  } else {
    throw top.error("layers", "must be auto, a list of units or a map {layer: unit}");
  }
  m.default_unit = top.text("default_unit");
  if (m.default_unit == "-") m.default_unit.clear();
  if (top.present("library")) {
    m.library_line = top.line("library");
    const YAML::Node lib = top.node("library");
    std::vector<std::string> given;
    if (lib.IsScalar()) {
      given.push_back(lib.as<std::string>());
    } else if (lib.IsSequence()) {
      for (const auto& x : lib) given.push_back(x.as<std::string>());
    } else {
      throw top.error("library", "must be a path or a list of paths");
    }
    const std::filesystem::path dir = std::filesystem::absolute(path).parent_path();
    for (const auto& g : given) {
      const std::filesystem::path p(g);
      const std::string resolved = p.is_absolute() ? g : (dir / p).lexically_normal().string();
      if (!path_exists(resolved)) throw top.error("library", "file not found: " + resolved);
      m.library_paths.push_back(resolved);
    }
  }
  return m;
} catch (const YAML::Exception& e) {
  throw yaml_structure_error(path, e);
}

MappingConfig MappingConfig::uniform(const AcceleratorConfig& acc, const std::string& multiplier) {
  MappingConfig m;
  m.path = "(uniform " + multiplier + ")";
  m.name = "uniform-" + multiplier;
  m.accelerator_path = acc.path;
  m.unit_multipliers.assign(acc.units.size(), multiplier);
  m.auto_layers = true;
  return m;
}

namespace {

// Stage costs of the pipelined style: item i = approximable layer i plus the
// vector-unit layers after it (those before the first one join item 0).
std::vector<std::vector<std::int64_t>> stage_costs(const AcceleratorConfig& acc, const NetworkWork& work,
                                                   const std::vector<int>& item_of_layer, int items) {
  std::vector<std::vector<std::int64_t>> cost(acc.units.size(), std::vector<std::int64_t>(items, 0));
  for (std::size_t u = 0; u < acc.units.size(); ++u)
    for (const auto& l : work) {
      const int item = item_of_layer[l.id];
      if (item < 0) continue;
      cost[u][item] += l.on_array() ? layer_array_cycles(l, acc.units[u].rows, acc.units[u].cols, acc.weight_buffering,
                                                         acc.global_buffer.bytes_per_cycle)
                                    : vector_cycles(l, acc.vector_unit.lanes);
    }
  return cost;
}

}  // namespace

ResolvedMapping resolve_mapping(const MappingConfig& m, const AcceleratorConfig& acc, const NetworkWork& work) {
  const int U = static_cast<int>(acc.units.size());
  auto unit_of = [&](const std::string& name, int line) {
    const int u = acc.unit_index(name);
    if (u < 0) throw file_error(m.path, line, "unknown unit '" + name + "' (units of " + acc.name + ": " + acc.unit_names() + ")");
    return u;
  };
  ResolvedMapping r;
  r.unit_multipliers.assign(U, "");
  const bool as_map = !m.unit_multipliers.empty() && m.unit_multipliers[0].find('=') != std::string::npos;
  if (as_map) {
    for (const auto& kv : m.unit_multipliers) {
      const auto eq = kv.find('=');
      r.unit_multipliers[unit_of(kv.substr(0, eq), m.multipliers_line)] = kv.substr(eq + 1);
    }
  } else {
    if (static_cast<int>(m.unit_multipliers.size()) != U)
      throw file_error(m.path, m.multipliers_line,
                       "multipliers: " + std::to_string(m.unit_multipliers.size()) + " given for " +
                           std::to_string(U) + " units of " + acc.name + " (" + acc.unit_names() + ")");
    r.unit_multipliers = m.unit_multipliers;
  }

  const std::vector<int> ids = approximable_ids(work);
  r.unit_of_layer.assign(work.size(), -1);
  std::vector<int> unit_per_item(ids.size(), -1);
  std::vector<int> line_per_item(ids.size(), m.layers_line);
  if (!m.auto_layers) {
    if (!m.layer_units_list.empty()) {
      if (m.layer_units_list.size() != ids.size())
        throw file_error(m.path, m.layers_line,
                         "layers: " + std::to_string(m.layer_units_list.size()) + " units given for " +
                             std::to_string(ids.size()) + " approximable layers");
      for (std::size_t i = 0; i < ids.size(); ++i) {
        unit_per_item[i] = unit_of(m.layer_units_list[i], m.list_lines[i]);
        line_per_item[i] = m.list_lines[i];
      }
    } else {
      std::map<std::string, std::size_t> item_by_name;
      for (std::size_t i = 0; i < ids.size(); ++i) item_by_name[work[ids[i]].name] = i;
      for (std::size_t k = 0; k < m.layer_units_map.size(); ++k) {
        const auto& [layer, unit] = m.layer_units_map[k];
        const auto it = item_by_name.find(layer);
        if (it == item_by_name.end())
          throw file_error(m.path, m.list_lines[k], "layers: '" + layer + "' is not an approximable layer of the network");
        unit_per_item[it->second] = unit_of(unit, m.list_lines[k]);
        line_per_item[it->second] = m.list_lines[k];
      }
      for (std::size_t i = 0; i < ids.size(); ++i)
        if (unit_per_item[i] < 0) {
          if (m.default_unit.empty())
            throw file_error(m.path, m.layers_line, "layers: no unit for layer '" + work[ids[i]].name + "' (add it or set default_unit)");
          unit_per_item[i] = unit_of(m.default_unit, m.layers_line);
        }
    }
  }

  if (acc.style == AcceleratorStyle::TileArray) {
    if (m.auto_layers) {
      // Earliest-finish tile per layer (list scheduling on lone-layer estimates).
      const std::set<std::string> distinct(r.unit_multipliers.begin(), r.unit_multipliers.end());
      if (distinct.size() != 1)
        throw file_error(m.path, m.layers_line, "layers: auto on a tile_array needs the same multiplier on every tile");
      std::vector<std::int64_t> tile_free(U, 0), finish(work.size(), 0);
      for (const auto& l : work) {
        std::int64_t ready = 0;
        for (int p : l.preds) ready = std::max(ready, finish[p]);
        if (!l.on_array()) {
          finish[l.id] = ready + vector_cycles(l, acc.vector_unit.lanes);
          continue;
        }
        int best = 0;
        for (int u = 1; u < U; ++u)
          if (std::max(tile_free[u], ready) < std::max(tile_free[best], ready)) best = u;
        finish[l.id] = std::max(tile_free[best], ready) +
                       layer_array_cycles(l, acc.units[best].rows, acc.units[best].cols, acc.weight_buffering,
                                          acc.global_buffer.bytes_per_cycle);
        tile_free[best] = finish[l.id];
        r.unit_of_layer[l.id] = best;
      }
    } else {
      for (std::size_t i = 0; i < ids.size(); ++i) r.unit_of_layer[ids[i]] = unit_per_item[i];
    }
  } else {
    std::vector<int> item_of_layer(work.size(), -1);
    int item = 0;
    for (const auto& l : work) {
      if (l.on_array()) item = static_cast<int>(std::find(ids.begin(), ids.end(), l.id) - ids.begin());
      item_of_layer[l.id] = ids.empty() ? -1 : item;
    }
    if (m.auto_layers) {
      unit_per_item = optimal_partition(stage_costs(acc, work, item_of_layer, static_cast<int>(ids.size()))).unit_of_item;
    } else {
      std::vector<int> last_item(U, -1);
      for (std::size_t i = 0; i < ids.size(); ++i) {
        const int u = unit_per_item[i];
        if (i > 0 && u != unit_per_item[i - 1]) {
          if (last_item[u] >= 0)
            throw file_error(m.path, line_per_item[i],
                             "pipelined: unit '" + acc.units[u].name + "' gets layer '" + work[ids[i]].name +
                                 "' but also '" + work[ids[last_item[u]]].name + "' before layer '" +
                                 work[ids[i - 1]].name + "' on '" + acc.units[unit_per_item[i - 1]].name +
                                 "': each unit must run one contiguous run of layers");
          if (u < unit_per_item[i - 1])
            throw file_error(m.path, line_per_item[i],
                             "pipelined: layer '" + work[ids[i]].name + "' on unit '" + acc.units[u].name +
                                 "' follows unit '" + acc.units[unit_per_item[i - 1]].name +
                                 "': stages must follow the unit order of the accelerator");
        }
        last_item[u] = static_cast<int>(i);
      }
    }
    for (const auto& l : work)
      if (item_of_layer[l.id] >= 0) r.unit_of_layer[l.id] = unit_per_item[item_of_layer[l.id]];
  }
  for (std::size_t i = 0; i < work.size(); ++i)
    if (work[i].on_array() && r.unit_multipliers[r.unit_of_layer[i]].empty())
      throw file_error(m.path, m.multipliers_line,
                       "unit '" + acc.units[r.unit_of_layer[i]].name + "' runs layer '" + work[i].name + "' but has no multiplier");
  return r;
}

}  // namespace alwann::mapping
