#pragma once
#include <string>

namespace alwann::rtl {

// Two-input gates after Verilator elaboration and bit-blasting; NOT directly
// over AND/OR/XOR fuses into NAND/NOR/XNOR. PORT is a primary input (it only
// drives loads), CONST a tied-off net (never toggles).
enum class GateType { PORT, CONST, BUF, NOT, AND, OR, XOR, NAND, NOR, XNOR, MUX };
constexpr int kGateTypeCount = 11;

const char* gate_type_name(GateType t);
bool parse_gate_type(const std::string& name, GateType& out);

}  // namespace alwann::rtl
