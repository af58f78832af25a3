// `alwann describe-config`: every key of the accelerator, mapping and
// technology files, from the same declarations the parsers use.
#include <fmt/core.h>

#include <cmath>

#include "cli/CommandRegistry.hpp"
#include "mapping/AcceleratorConfig.hpp"
#include "mapping/MappingConfig.hpp"
#include "mapping/TechnologyFigures.hpp"

namespace {

using alwann::mapping::SectionDecl;

// The allowed range as a person writes it; min 1e-9 is how the declarations say "> 0".
std::string range_text(const alwann::mapping::ParamDecl& p) {
  using alwann::mapping::ParamType;
  if (p.type != ParamType::Number && p.type != ParamType::Integer) return "-";
  const bool has_min = std::isfinite(p.min), has_max = std::isfinite(p.max);
  const bool positive = has_min && p.min > 0 && p.min < 1e-6;
  if (positive) return has_max ? fmt::format("> 0, <= {}", p.max) : "> 0";
  if (has_min && has_max) return fmt::format("{}..{}", p.min, p.max);
  if (has_min) return fmt::format(">= {}", p.min);
  if (has_max) return fmt::format("<= {}", p.max);
  return "any";
}

void print_sections(const std::vector<SectionDecl>& sections, const std::string& only) {
  for (const auto& s : sections) {
    if (!only.empty() && s.file_kind != only) continue;
    fmt::print("\n[{}] {}  -- {}\n", s.file_kind, s.name.empty() ? "(top level)" : s.name, s.description);
    for (const auto& p : s.params) {
      std::string def = p.default_value.empty() ? "(required)" : p.default_value == "-" ? "(derived)" : p.default_value;
      std::string type = alwann::mapping::param_type_name(p.type);
      if (!p.choices.empty()) {
        type.clear();
        for (const auto& c : p.choices) type += (type.empty() ? "" : "|") + c;
      }
      if (p.power_of_two) type += ", power of two";
      fmt::print("  {:<26} {:<24} {:<12} {:<11} {:<14} {}\n", p.key, type, p.unit.empty() ? "-" : p.unit, def,
                 range_text(p), p.description);
    }
  }
}

const alwann::cli::CommandRegistration registration{
    "describe-config", "List every key of accelerator, mapping and technology files (type, unit, default)",
    [](CLI::App& sub) {
      auto kind = std::make_shared<std::string>();
      sub.add_option("--kind", *kind, "Only one file kind")->check(CLI::IsMember({"accelerator", "mapping", "technology"}))
          ->default_str("all");
      return [kind]() {
        fmt::print("Config keys: key, type, unit, default, allowed range, description. Default 'technology': taken from the\n"
                   "technology file the accelerator names; see docs/simulation.md.\n");
        print_sections(alwann::mapping::AcceleratorConfig::sections(), *kind);
        print_sections(alwann::mapping::MappingConfig::sections(), *kind);
        print_sections(alwann::mapping::TechnologyFigures::sections(), *kind);
        return 0;
      };
    }};

}  // namespace
