#pragma once
// Technology figures for gate-level energy and area, read from the `gates`
// section of a configs/tech/*.yaml file (every figure carries its source
// there). Other layers read their own sections of the same file.
#include <array>
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
  const std::string& path() const { return path_; }
  double scale() const { return scale_; }

 private:
  std::string path_;
  std::array<double, kGateTypeCount> internal_fj_{};
  std::array<double, kGateTypeCount> area_um2_{};
  double load_fj_per_input_ = 0;
  double scale_ = 1;
};

}  // namespace alwann::rtl
