#include "rtl/GateType.hpp"

namespace alwann::rtl {

namespace {
const char* const kNames[kGateTypeCount] = {"PORT", "CONST", "BUF", "NOT", "AND", "OR",
                                            "XOR",  "NAND",  "NOR", "XNOR", "MUX"};
}

const char* gate_type_name(GateType t) { return kNames[static_cast<int>(t)]; }

bool parse_gate_type(const std::string& name, GateType& out) {
  for (int i = 0; i < kGateTypeCount; ++i)
    if (name == kNames[i]) {
      out = static_cast<GateType>(i);
      return true;
    }
  return false;
}

}  // namespace alwann::rtl
