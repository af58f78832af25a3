#include "common/YamlFile.hpp"

#include <filesystem>
#include <fstream>
#include <map>

#include "common/Error.hpp"

namespace alwann {

int yaml_line(const YAML::Node& n) {
  if (!n.IsDefined()) return 0;
  return n.Mark().line >= 0 ? n.Mark().line + 1 : 0;
}

namespace {

void reject_duplicate_keys(const std::string& path, const YAML::Node& n) {
  if (n.IsSequence()) {
    for (const auto& e : n) reject_duplicate_keys(path, e);
    return;
  }
  if (!n.IsMap()) return;
  std::map<std::string, int> seen;
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string key = it->first.as<std::string>("?");
    const int line = yaml_line(it->first);
    const auto [pos, fresh] = seen.emplace(key, line);
    if (!fresh)
      throw file_error(path, line, "duplicate key '" + key + "' (first given on line " + std::to_string(pos->second) + ")");
    reject_duplicate_keys(path, it->second);
  }
}

}  // namespace

YAML::Node load_yaml_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw file_error(path, "is a directory, not a YAML file");
  std::ifstream in(path);
  if (!in) throw file_error(path, "cannot read file");
  YAML::Node root;
  try {
    root = YAML::Load(in);
  } catch (const YAML::Exception& e) {
    throw file_error(path, e.mark.line + 1, "YAML syntax error: " + e.msg);
  }
  reject_duplicate_keys(path, root);
  return root;
}

}  // namespace alwann
