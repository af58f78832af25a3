// BitBlaster: which standard-cell instance each net and gate belongs to, so
// that technology-mapped netlists can be priced per cell (ToggleEnergy).
// Verilator's --flatten keeps a cell's pins as nets named <top>.<instance>.
// <pin> or <top>.__Vcellinp__<instance>__<pin> / __Vcellout__..., aliased
// to the nets they connect, and the cell's logic as assignments whose source
// location lies in the cell's module. Nothing here changes the logic: it
// only annotates it, and a netlist whose names do not follow this pattern is
// simply priced gate by gate.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "rtl/BitBlaster.hpp"

namespace alwann::rtl {

namespace {

// The instance path and pin a flattened net name denotes, if it is a pin.
bool split_pin_name(const std::string& name, std::string& instance, std::string& pin) {
  const size_t last = name.rfind('.');
  if (last == std::string::npos) return false;
  const std::string prefix = name.substr(0, last), leaf = name.substr(last + 1);
  for (const char* marker : {"__Vcellinp__", "__Vcellout__"}) {
    if (leaf.rfind(marker, 0) != 0) continue;
    const std::string rest = leaf.substr(std::string(marker).size());
    const size_t sep = rest.rfind("__");
    if (sep == std::string::npos || sep == 0 || sep + 2 >= rest.size()) return false;
    instance = prefix + "." + rest.substr(0, sep);
    pin = rest.substr(sep + 2);
    return true;
  }
  if (prefix.find('.') == std::string::npos) return false;  // a net of the top module
  instance = prefix;
  pin = leaf;
  return true;
}

void collect_varrefs(const pugi::xml_node& root, std::vector<std::string>& names) {
  std::vector<pugi::xml_node> pending{root};
  while (!pending.empty()) {
    const pugi::xml_node n = pending.back();
    pending.pop_back();
    if (std::string(n.name()) == "varref") names.push_back(n.attribute("name").value());
    for (auto c : n.children()) pending.push_back(c);
  }
}

}  // namespace

std::string BitBlaster::module_at(const pugi::xml_node& n) {
  // loc="<file id>,<line>,...": the module whose definition starts last at
  // or before that line of that file.
  const std::string loc = n.attribute("loc").value();
  const auto comma = loc.find(',');
  if (comma == std::string::npos) return "";
  const auto file = file_path_.find(loc.substr(0, comma));
  if (file == file_path_.end()) return "";
  auto [it, fresh] = module_lines_.try_emplace(file->second);
  if (fresh) {
    std::ifstream in(file->second);
    static const std::regex module("^\\s*(?:macro)?module\\s+([A-Za-z_][A-Za-z0-9_$]*)");
    std::string line;
    std::smatch m;
    for (int number = 1; std::getline(in, line); ++number)
      if (line.find("module") != std::string::npos && std::regex_search(line, m, module))
        it->second.emplace_back(number, m[1].str());
  }
  const int line = std::atoi(loc.c_str() + comma + 1);
  std::string found;
  for (const auto& [start, name] : it->second)
    if (start <= line) found = name;
  return found;
}

void BitBlaster::read_cell_instances(const pugi::xml_node& scope) {
  auto name_of = [](const std::string& path) { return std::filesystem::path(path).filename().string(); };
  for (auto f : doc_.select_nodes("//files/file")) {
    const std::string given = f.node().attribute("filename").value();
    const auto exact = std::find(sources_.begin(), sources_.end(), given);
    const auto named = std::find_if(sources_.begin(), sources_.end(),
                                    [&](const std::string& s) { return name_of(s) == name_of(given); });
    if (exact != sources_.end()) file_path_[f.node().attribute("id").value()] = *exact;
    else if (named != sources_.end()) file_path_[f.node().attribute("id").value()] = *named;
  }
  links_.assign(vars_.size(), {});
  std::map<std::string, int> instance_ids;
  auto link = [&](int var, const PinLink& l) {
    auto& v = links_[var];
    if (std::find(v.begin(), v.end(), l) == v.end()) v.push_back(l);
  };
  // Pins by name: nets declared inside another module's definition.
  size_t i = 0;
  for (auto vs : scope.children("varscope")) {
    std::string instance, pin;
    if (split_pin_name(vars_[i].name, instance, pin)) {
      const std::string cell = module_at(vs);
      if (!cell.empty() && cell != top_) {
        auto [it, fresh] = instance_ids.try_emplace(instance, 0);
        if (fresh) it->second = net_.add_instance(instance, cell);
        link(static_cast<int>(i), {it->second, pin});
      }
    }
    ++i;
  }
  if (instance_ids.empty()) return;
  // Pins by alias: `w.s` aliased to `U1.YS` is U1's YS net.
  for (auto n : scope.children("assignalias")) {
    const pugi::xml_node a = n.first_child(), b = n.last_child();
    if (std::string(a.name()) != "varref" || std::string(b.name()) != "varref") continue;
    const int va = find_var(a.attribute("name").value(), a), vb = find_var(b.attribute("name").value(), b);
    const auto la = links_[va], lb = links_[vb];
    for (const auto& l : lb) link(va, l);
    for (const auto& l : la) link(vb, l);
  }
  // Owners: an assignment located in cell module M belongs to the instance
  // of M most of whose pins it writes or reads (the driving instance has
  // them all; a same-type instance it feeds shares one net at most).
  for (auto n : scope.children()) {
    const std::string op = n.name();
    if (op != "contassign" && op != "assignw") continue;
    const std::string cell = module_at(n);
    if (cell.empty() || cell == top_) continue;
    std::vector<std::string> names;
    collect_varrefs(n, names);
    std::map<int, int> votes;
    for (const auto& name : names) {
      const int var = lookup_var(name);
      if (var < 0) continue;
      for (const auto& l : links_[var])
        if (net_.instances()[l.instance].cell == cell) ++votes[l.instance];
    }
    int best = -1, most = 0;
    for (const auto& [instance, count] : votes)
      if (count > most) best = instance, most = count;
    if (best >= 0) assign_owner_[n.internal_object()] = best;
  }
}

void BitBlaster::record_cell_pins() {
  std::set<std::pair<int, std::string>> seen;
  for (size_t v = 0; v < vars_.size() && v < links_.size(); ++v) {
    if (vars_[v].width != 1 || vars_[v].state[0] != 2) continue;  // cell pins are single bits
    for (const auto& l : links_[v])
      if (seen.emplace(l.instance, l.pin).second) net_.add_cell_pin(l.instance, l.pin, vars_[v].bits[0]);
  }
}

}  // namespace alwann::rtl
