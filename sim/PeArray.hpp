#pragma once
// The PE level: one R x C weight-stationary array with every PE clocked.
// Each PE holds a weight (port A) and a bit-true Verilated model of its
// tile's multiplier; per cycle it multiplies the activation arriving from its
// left neighbour (port B), adds the partial sum arriving from above, and
// latches both for its right and lower neighbours. Weights shift in from the
// top one row per cycle into shadow registers (swapped in at a fold's start;
// with double buffering the next fold's weights shift in while the current
// fold streams). Activations enter the left edge skewed by one cycle per row;
// bottom-row partial sums go to the global buffer, where row folds accumulate.
// Operand rows and vectors enter under the global-buffer port's bandwidth
// with the entry rule of mapping::phase_end, and the fold ends when the last
// token has left the array, so the cycle counts come out of the data movement.
#include <systemc>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mapping/AcceleratorConfig.hpp"
#include "rtl/MultiplierModel.hpp"
#include "sim/ArrayExecutor.hpp"
#include "sim/SimClock.hpp"

namespace alwann::rtl {
class ToggleSimulator;
class AdderToggleSimulator;
class TechModel;
}  // namespace alwann::rtl

namespace alwann::sim {

class PeArray : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(PeArray);
  PeArray(sc_core::sc_module_name name, int rows, int cols, const std::string& multiplier,
          mapping::WeightBuffering buffering, const SimClock& clock, MemoryChannel& gb,
          std::shared_ptr<const rtl::TechModel> tech, int adder_bits);
  ~PeArray() override;

  struct Job {
    const mapping::LayerWork* layer = nullptr;
    const LayerOperands* operands = nullptr;
    LayerResult* result = nullptr;
    std::vector<PeStream>* streams = nullptr;               // optional recording
    std::vector<std::vector<std::int32_t>>* outputs = nullptr;  // per group T x N
  };
  // Called from another SC_THREAD: runs the layer, returns when it has drained.
  void run(const Job& job);
  double toggle_energy_fj() const;  // all PEs' multipliers, whole run
  double adder_energy_fj() const;   // all PEs' adders, whole run
  std::int64_t register_flips() const { return register_flips_; }  // activation + partial-sum register bit flips
  std::int64_t macs() const { return macs_; }
  int pes() const { return R_ * C_; }

 private:
  void clocked();
  void begin_load(std::int64_t fold, std::int64_t t);
  void load_step(std::int64_t t);
  void start_stream(std::int64_t t);
  std::int64_t array_step(std::int64_t t);
  void flush_toggles();
  void flush_pe(std::size_t pe);

  const int R_, C_;
  const mapping::WeightBuffering buffering_;
  const SimClock& clock_;
  MemoryChannel& gb_;
  bool signed_;
  rtl::MultiplierModelPtr model_;
  std::vector<std::unique_ptr<rtl::ToggleSimulator>> toggles_;
  std::vector<std::vector<std::uint8_t>> pending_a_, pending_b_;
  std::vector<std::unique_ptr<rtl::AdderToggleSimulator>> adders_;
  std::vector<std::vector<std::int64_t>> pending_sum_, pending_prod_;
  std::vector<std::uint8_t> act_reg_;   // each PE's activation register as last latched by a MAC
  std::vector<std::int32_t> psum_reg_;  // each PE's partial-sum register as last latched by a MAC
  std::int64_t register_flips_ = 0;
  int adder_bits_;
  std::vector<std::uint8_t> w_active_, w_shadow_, act_val_;
  std::vector<std::int64_t> act_tau_;
  std::vector<std::int32_t> psum_;
  std::vector<std::int64_t> ring_;  // vector entering row 0 per cycle (t mod R), -1 none

  Job job_;
  sc_core::sc_event start_, done_;
  std::int64_t macs_ = 0;
  // Controller state of the current layer.
  std::int64_t folds_ = 0, fold_ = 0;
  int k_ = 0, n_ = 0, g_ = 0, k0_ = 0, n0_ = 0;
  bool streaming_ = false;
  std::int64_t injected_ = 0, stream_next_ = 0, stream_grant_ = 0, processed_ = 0;
  // Weight load into the shadow registers.
  bool loading_ = false;
  std::int64_t load_fold_ = -1, load_items_ = 0, load_next_ = 0, load_grant_ = 0, load_cum_ = 0, load_end_ = 0;
  int load_k_ = 0, load_n_ = 0, load_g_ = 0, load_k0_ = 0, load_n0_ = 0;
};

class PeExecutor : public ArrayExecutor {
 public:
  PeExecutor(std::vector<PeArray*> arrays, const std::vector<LayerOperandsPtr>& operands, SimResult& result,
             bool record_streams, bool keep_outputs)
      : arrays_(std::move(arrays)), operands_(operands), result_(result), record_(record_streams),
        keep_outputs_(keep_outputs) {}
  void run(const mapping::LayerWork& layer, int unit, LayerResult& result) override;

 private:
  std::vector<PeArray*> arrays_;
  const std::vector<LayerOperandsPtr>& operands_;
  SimResult& result_;
  bool record_, keep_outputs_;
};

}  // namespace alwann::sim
