#pragma once
// Every YAML file alwann reads (accelerator, mapping, technology, model,
// multiplier assignment) goes through load_yaml_file, so they share one set
// of checks: a directory or unreadable path named as such, syntax errors with
// file:line, and duplicate keys rejected with both lines (yaml-cpp would keep
// one of the two values without a word).
#include <yaml-cpp/yaml.h>

#include <string>

#include "common/Error.hpp"

namespace alwann {

YAML::Node load_yaml_file(const std::string& path);
int yaml_line(const YAML::Node& n);  // 1-based, 0 if unknown
// A yaml-cpp exception raised while reading a loaded file (a list or map where
// a single value belongs, found by fuzzing) as alwann::Error with file:line.
Error yaml_structure_error(const std::string& path, const YAML::Exception& e);

}  // namespace alwann
