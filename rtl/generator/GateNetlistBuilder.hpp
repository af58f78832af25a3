#pragma once
// Builds a single-bit gate netlist with constant folding and writes it as
// flat Verilog `assign` statements (the EvoApprox style (a), reference §3).
#include <string>
#include <vector>

namespace alwann::rtl::generator {

// A signal: kZero/kOne constants, the operand bits A[0..7] / B[0..7], or a wire.
using Sig = int;
constexpr Sig kZero = 0, kOne = 1;
inline Sig input_a(int bit) { return 2 + bit; }
inline Sig input_b(int bit) { return 10 + bit; }

class GateNetlistBuilder {
 public:
  Sig and_(Sig a, Sig b);
  Sig or_(Sig a, Sig b);
  Sig xor_(Sig a, Sig b);
  Sig not_(Sig a);
  Sig nand_(Sig a, Sig b) { return not_(and_(a, b)); }

  struct Sum { Sig sum, carry; };
  Sum half_add(Sig a, Sig b) { return {xor_(a, b), and_(a, b)}; }
  Sum full_add(Sig a, Sig b, Sig c);

  void set_output(int bit, Sig s) { outputs_[bit] = s; }
  std::string verilog(const std::string& module, const std::vector<std::string>& header) const;
  int gate_count() const { return static_cast<int>(gates_.size()); }

 private:
  struct Gate { char op; Sig a, b; };  // op: '&', '|', '^', '~' (b unused)
  Sig add_gate(char op, Sig a, Sig b);
  std::string name(Sig s) const;

  std::vector<Gate> gates_;
  Sig outputs_[16] = {kZero};
};

}  // namespace alwann::rtl::generator
