#pragma once
// Typed YAML parameters declared once (Ramulator 2 style): every key a config
// section accepts is a ParamDecl carrying its type, unit, default and
// description. The parser reads values only through SectionReader, which
// rejects unknown keys, missing required keys, wrong types and out-of-range
// values with "file:line: section.key: ..." messages, and `alwann
// describe-config` prints the same declarations, so docs and parser never drift.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "common/Error.hpp"
#include "common/YamlFile.hpp"

namespace alwann::mapping {

enum class ParamType { Integer, Number, Text, Flag, Choice, List };

struct ParamDecl {
  std::string key;
  ParamType type = ParamType::Number;
  std::string unit;         // "cycles", "bytes/cycle", "pJ/byte", "" for none
  std::string description;
  std::string default_value;  // "" = required; "technology" = taken from the technology file
  std::vector<std::string> choices;  // ParamType::Choice
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool power_of_two = false;
};

// One documented section (a YAML mapping) of a config file kind.
struct SectionDecl {
  std::string file_kind;  // "accelerator", "mapping", "technology"
  std::string name;       // "" = top level
  std::string description;
  std::vector<ParamDecl> params;
};

const char* param_type_name(ParamType t);

// Reads the keys of one YAML mapping against its declarations.
class SectionReader {
 public:
  // `node` may be undefined/null: every key then takes its default.
  // `subsections` are further keys allowed here (read by their own readers).
  SectionReader(std::string file, const YAML::Node& node, const SectionDecl& decl,
                int parent_line = 0, std::vector<std::string> subsections = {});

  bool present(const std::string& key) const;
  std::int64_t integer(const std::string& key) const;
  double number(const std::string& key) const;
  std::string text(const std::string& key) const;
  bool flag(const std::string& key) const;
  YAML::Node node(const std::string& key) const;  // raw value (List params)
  int line(const std::string& key) const;          // 1-based; the section's line if absent
  Error error(const std::string& key, const std::string& what) const;

 private:
  const ParamDecl& decl(const std::string& key) const;
  void check_range(const ParamDecl& d, double v) const;
  std::string file_;
  YAML::Node node_;
  const SectionDecl* section_;
  int line_;
};

// The shared YAML reader (duplicate keys, file:line syntax errors).
using alwann::load_yaml_file;
using alwann::yaml_line;

}  // namespace alwann::mapping
