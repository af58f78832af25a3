#pragma once
// A multiplier as a gate-level netlist of one-bit signals, in topological
// order. Built from Verilator's elaborated, flattened netlist (see
// VerilatorNetlistReader), so every style Verilator accepts (flat assigns,
// cell instances, technology cells, behavioural arithmetic, which is
// bit-blasted into ripple adders and array multipliers) ends up here.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "rtl/GateType.hpp"

namespace alwann::rtl {

class GateNetlist {
 public:
  struct Gate {
    GateType type;
    int in0 = -1, in1 = -1, sel = -1;  // MUX: sel ? in1 : in0
  };
  // Signals 0..7 are A[0..7], 8..15 are B[0..7], 16 is constant 0, 17 constant 1.
  static constexpr int kInputA = 0, kInputB = 8, kConst0 = 16, kConst1 = 17, kFirstGate = 18;

  GateNetlist();
  int add_gate(GateType type, int in0, int in1 = -1, int sel = -1);  // with constant folding
  void set_output(int bit, int signal) { outputs_[bit] = signal; }
  // Fuses NOT over a single-use AND/OR/XOR into NAND/NOR/XNOR, drops gates
  // nothing reads, renumbers in topological order and computes fan-outs.
  void finalize();

  // Technology-mapped input: the standard-cell instances the gates came from,
  // so that energy can be priced per cell net (ToggleEnergy) rather than per
  // gate of a cell's logic function. Gates added while an owner is set belong
  // to that instance; a cell pin records which signal its net carries.
  struct CellInstance {
    std::string name, cell;  // hierarchical instance name, cell (module) name
  };
  struct CellPin {
    int instance;
    std::string pin;
    int signal;
  };
  int add_instance(std::string name, std::string cell);
  void set_owner(int instance) { owner_now_ = instance; }  // -1: gates of no cell
  void add_cell_pin(int instance, std::string pin, int signal);
  const std::vector<CellInstance>& instances() const { return instances_; }
  const std::vector<CellPin>& cell_pins() const { return cell_pins_; }
  int owner(int signal) const { return owner_[signal]; }

  const std::vector<Gate>& signals() const { return signals_; }
  int output(int bit) const { return outputs_[bit]; }
  int fanout(int signal) const { return fanout_[signal]; }
  int gate_count() const;                         // logic gates (no ports/constants)
  std::map<std::string, int> gate_counts() const;  // by type name

  // All 65,536 products, row-major by A: [a*256 + b] (bit-parallel evaluation).
  std::vector<std::uint16_t> products() const;
  // 64 lanes at once: va[i]/vb[i] hold bit i of each lane's operands; fills
  // one word per signal into `values` (resized).
  void evaluate(const std::uint64_t va[8], const std::uint64_t vb[8], std::vector<std::uint64_t>& values) const;

 private:
  std::vector<Gate> signals_;
  std::array<int, 16> outputs_;
  std::vector<int> fanout_;
  std::vector<int> owner_;  // per signal: cell instance or -1
  int owner_now_ = -1;
  std::vector<CellInstance> instances_;
  std::vector<CellPin> cell_pins_;
};

}  // namespace alwann::rtl
