#include "rtl/generator/GateNetlistBuilder.hpp"

#include <sstream>
#include <utility>

namespace alwann::rtl::generator {

namespace {
constexpr Sig kFirstWire = 18;
}

Sig GateNetlistBuilder::add_gate(char op, Sig a, Sig b) {
  gates_.push_back({op, a, b});
  return kFirstWire + static_cast<Sig>(gates_.size()) - 1;
}

Sig GateNetlistBuilder::and_(Sig a, Sig b) {
  if (a == kZero || b == kZero) return kZero;
  if (a == kOne) return b;
  if (b == kOne) return a;
  if (a == b) return a;
  return add_gate('&', a, b);
}

Sig GateNetlistBuilder::or_(Sig a, Sig b) {
  if (a == kOne || b == kOne) return kOne;
  if (a == kZero) return b;
  if (b == kZero) return a;
  if (a == b) return a;
  return add_gate('|', a, b);
}

Sig GateNetlistBuilder::xor_(Sig a, Sig b) {
  if (a == kZero) return b;
  if (b == kZero) return a;
  if (a == kOne) return not_(b);
  if (b == kOne) return not_(a);
  if (a == b) return kZero;
  return add_gate('^', a, b);
}

Sig GateNetlistBuilder::not_(Sig a) {
  if (a == kZero) return kOne;
  if (a == kOne) return kZero;
  // ~~x folds back to x.
  if (a >= kFirstWire && gates_[a - kFirstWire].op == '~') return gates_[a - kFirstWire].a;
  return add_gate('~', a, a);
}

GateNetlistBuilder::Sum GateNetlistBuilder::full_add(Sig a, Sig b, Sig c) {
  // Constants go last so that folding sees them in the second xor/and.
  if (a <= kOne) std::swap(a, c);
  if (b <= kOne) std::swap(b, c);
  const Sig t = xor_(a, b);
  return {xor_(t, c), or_(and_(a, b), and_(c, t))};
}

std::string GateNetlistBuilder::name(Sig s) const {
  if (s == kZero) return "1'b0";
  if (s == kOne) return "1'b1";
  if (s < 10) return "A[" + std::to_string(s - 2) + "]";
  if (s < kFirstWire) return "B[" + std::to_string(s - 10) + "]";
  return "n" + std::to_string(s - kFirstWire);
}

std::string GateNetlistBuilder::verilog(const std::string& module,
                                        const std::vector<std::string>& header) const {
  std::ostringstream v;
  for (const auto& line : header) v << "// " << line << "\n";
  v << "module " << module << "(A, B, O);\n  input [7:0] A;\n  input [7:0] B;\n  output [15:0] O;\n";
  for (size_t i = 0; i < gates_.size(); i += 16) {
    v << "  wire ";
    for (size_t j = i; j < gates_.size() && j < i + 16; ++j)
      v << (j > i ? ", " : "") << "n" << j;
    v << ";\n";
  }
  for (size_t i = 0; i < gates_.size(); ++i) {
    const Gate& g = gates_[i];
    v << "  assign n" << i << " = ";
    if (g.op == '~')
      v << "~" << name(g.a);
    else
      v << name(g.a) << " " << g.op << " " << name(g.b);
    v << ";\n";
  }
  for (int bit = 0; bit < 16; ++bit) v << "  assign O[" << bit << "] = " << name(outputs_[bit]) << ";\n";
  v << "endmodule\n";
  return v.str();
}

}  // namespace alwann::rtl::generator
