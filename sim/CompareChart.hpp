#pragma once
// `alwann compare` outputs: CSV rows and a stacked bar chart (SVG, written
// directly, no plotting dependency) of the energy per inference by component.
#include <string>
#include <vector>

#include "sim/SimTypes.hpp"

namespace alwann::sim {

struct ComparedRun {
  std::string label;  // "mapping@accelerator"
  SimResult result;
};

std::string compare_table(const std::vector<ComparedRun>& runs);
std::string compare_csv(const std::vector<ComparedRun>& runs);
std::string energy_chart_svg(const std::vector<ComparedRun>& runs);

}  // namespace alwann::sim
