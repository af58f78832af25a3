#pragma once
// Technology figures for gate-level energy and area, read from the `gates`
// section of a configs/tech/*.yaml file (every figure carries its source
// there). Other layers read their own sections of the same file.
#include <array>
#include <map>
#include <string>

#include "rtl/GateType.hpp"

namespace alwann::rtl {

class TechModel {
 public:
  static TechModel load(const std::string& path);  // throws alwann::Error with file:line
  static std::string default_path();               // configs/tech/generic45.yaml of this checkout

  // Energy (fJ) of one output toggle of a gate of this type driving `fanout` inputs.
  double toggle_energy_fj(GateType type, int fanout) const {
    return scale_ * (internal_fj_[static_cast<int>(type)] + fanout * load_fj_per_input_);
  }
  double area_um2(GateType type) const { return area_um2_[static_cast<int>(type)]; }
  double internal_fj(GateType type) const { return internal_fj_[static_cast<int>(type)]; }
  double load_fj_per_input() const { return load_fj_per_input_; }

  // Standard cells priced as cells (gates.standard_cells): a toggle of a
  // cell's output net costs scale * (output_fj[pin] + the loads it drives),
  // a cell input pin loads its net with input_load[pin] gate inputs, and
  // the gates of the cell's logic function cost nothing of their own.
  struct CellFigures {
    std::map<std::string, double> input_load;  // pin -> load, in gate inputs (load_fj_per_input each)
    std::map<std::string, double> output_fj;   // pin -> fJ per output toggle (before scale)
  };
  const CellFigures* standard_cell(const std::string& name) const {  // null: priced gate by gate
    auto it = standard_cells_.find(name);
    return it == standard_cells_.end() ? nullptr : &it->second;
  }
  const std::string& path() const { return path_; }
  double scale() const { return scale_; }

 private:
  std::string path_;
  std::array<double, kGateTypeCount> internal_fj_{};
  std::array<double, kGateTypeCount> area_um2_{};
  double load_fj_per_input_ = 0;
  double scale_ = 1;
  std::map<std::string, CellFigures> standard_cells_;
};

}  // namespace alwann::rtl
