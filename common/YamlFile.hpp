#pragma once
// Every YAML file alwann reads (accelerator, mapping, technology, model,
// multiplier assignment) goes through load_yaml_file, so they share one set
// of checks: a directory or unreadable path named as such, syntax errors with
// file:line, and duplicate keys rejected with both lines (yaml-cpp would keep
// one of the two values without a word).
#include <yaml-cpp/yaml.h>

#include <string>

namespace alwann {

YAML::Node load_yaml_file(const std::string& path);
int yaml_line(const YAML::Node& n);  // 1-based, 0 if unknown

}  // namespace alwann
