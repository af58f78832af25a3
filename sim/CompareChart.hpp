#pragma once
// `alwann compare` outputs: CSV rows and a stacked bar chart of the energy
// per inference by component (gnuplot, PNG and SVG).
#include <string>
#include <vector>

#include "common/Plot.hpp"
#include "sim/SimTypes.hpp"

namespace alwann::sim {

struct ComparedRun {
  std::string label;  // "mapping@accelerator"
  SimResult result;
};

std::string compare_table(const std::vector<ComparedRun>& runs);
std::string compare_csv(const std::vector<ComparedRun>& runs);
PlotOutput energy_chart(const std::vector<ComparedRun>& runs);

}  // namespace alwann::sim
