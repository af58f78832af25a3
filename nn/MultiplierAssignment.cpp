#include "nn/MultiplierAssignment.hpp"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <set>

#include "common/Error.hpp"
#include "common/YamlFile.hpp"

namespace alwann::nn {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_file(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

MultiplierAssignment MultiplierAssignment::uniform(const Network& net, const std::string& multiplier) {
  if (multiplier.empty()) throw Error("empty multiplier name");
  MultiplierAssignment a;
  for (int id : net.approximable_layers()) a.by_layer[net.layer(id).name] = multiplier;
  return a;
}

MultiplierAssignment MultiplierAssignment::load_yaml(const std::string& path, const Network& net) {
  if (!is_file(path)) throw file_error(path, "cannot read the multiplier assignment (no such file)");
  const YAML::Node root = load_yaml_file(path);  // rejects duplicate layer keys with both lines
  if (!root.IsMap()) throw file_error(path, "expected a map of layer name -> multiplier name");
  MultiplierAssignment a;
  a.source = path;
  std::string fallback;
  int fallback_line = 0;
  const YAML::Node& croot = root;
  const bool nested = static_cast<bool>(croot["layers"]);
  const YAML::Node layers = nested ? croot["layers"] : croot;
  if (croot["default"]) {
    if (!croot["default"].IsScalar()) throw file_error(path, yaml_line(croot["default"]), "'default' must be a multiplier name");
    fallback = croot["default"].as<std::string>();
    fallback_line = yaml_line(croot["default"]);
  }
  if (!layers.IsMap()) throw file_error(path, "'layers' must be a map of layer name -> multiplier name");
  for (const auto& kv : layers) {
    const std::string layer = kv.first.as<std::string>();
    if (!nested && layer == "default") continue;
    const int line = kv.first.Mark().line + 1;
    const Layer* l = net.find(layer);
    if (!l) throw file_error(path, line, "no layer named '" + layer + "' in network '" + net.name() + "'");
    if (!l->approximable) throw file_error(path, line, "layer '" + layer + "' (" + op_name(l->op) + ") is not approximable");
    if (!kv.second.IsScalar()) throw file_error(path, line, "the multiplier of '" + layer + "' must be a name");
    a.by_layer[layer] = kv.second.as<std::string>();
    a.line_of_layer[layer] = line;
  }
  if (!fallback.empty())
    for (int id : net.approximable_layers())
      if (a.by_layer.emplace(net.layer(id).name, fallback).second) a.line_of_layer[net.layer(id).name] = fallback_line;
  return a;
}

MultiplierAssignment MultiplierAssignment::from_argument(const std::string& arg, const Network& net) {
  if (ends_with(arg, ".yaml") || ends_with(arg, ".yml") || is_file(arg)) return load_yaml(arg, net);
  return uniform(net, arg);
}

std::string MultiplierAssignment::of(const std::string& layer_name) const {
  auto it = by_layer.find(layer_name);
  return it == by_layer.end() ? "exact" : it->second;
}

void MultiplierAssignment::fail_for_layer(const std::string& layer_name, const std::string& what) const {
  if (source.empty()) throw Error(what);
  const auto it = line_of_layer.find(layer_name);
  throw file_error(source, it == line_of_layer.end() ? 0 : it->second, "layer '" + layer_name + "': " + what);
}

std::string MultiplierAssignment::summary() const {
  std::set<std::string> names;
  for (const auto& kv : by_layer) names.insert(kv.second);
  if (names.empty()) return "exact";
  if (names.size() == 1) return *names.begin();
  return std::to_string(names.size()) + " multipliers";
}

}  // namespace alwann::nn
