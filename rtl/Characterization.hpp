#pragma once
// One row of `alwann characterize`: error metrics from the product table,
// toggle energy and area from the gate netlist, library figures from the
// Verilog header.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "rtl/ErrorMetrics.hpp"
#include "rtl/MultiplierLibrary.hpp"

namespace alwann::rtl {

class TechModel;

// A table-only multiplier (info.has_netlist false) has error metrics only:
// energy, gates and area are written as null.
struct Characterization {
  MultiplierInfo info;
  ErrorMetrics error;
  double energy_uniform_fj = 0;  // per multiplication, uniformly random operands
  int gates = 0;
  std::map<std::string, int> gate_counts;
  double area_um2 = 0;
};

// A circuit `characterize` skipped (file, reason).
struct CharacterizationError {
  std::string file, reason;
};

// Checks that the gate netlist reproduces the Verilated model's table bit
// for bit (throws alwann::Error naming the file otherwise), then measures.
Characterization characterize(MultiplierLibrary& library, const std::string& name,
                              std::shared_ptr<const TechModel> tech, std::size_t random_operations);

// The stable row format of characterization.json / .csv.
nlohmann::json to_json(const Characterization& c);
// characterization.json: {"multipliers": [rows], "errors": [{file, reason}]}.
nlohmann::json to_json(const std::vector<Characterization>& rows, const std::vector<CharacterizationError>& errors);
std::string to_csv(const std::vector<Characterization>& rows);

}  // namespace alwann::rtl
