#pragma once
// Bit-blasts the continuous assignments of Verilator's flattened XML netlist
// into GateNetlist gates. Nets are resolved on demand from their drivers, so
// assignment order does not matter and combinational loops are detected.
#include <pugixml.hpp>

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "rtl/GateNetlist.hpp"

namespace alwann::rtl {

// Size limits (docs/multipliers.md "Limits"): an 8x8 multiplier netlist,
// even technology-mapped with one 2032-bit bus, is far below them; beyond
// them the input is refused with a message instead of exhausting the stack
// (nets are resolved depth-first) or memory.
constexpr int kMaxNetBits = 1 << 20;         // bits of all declared nets together
// 1000 leaves a wide margin on a worker thread's 8 MiB stack in the Release
// build (the limit test passed at 4000); under AddressSanitizer even 1000
// overflows, so that test runs in the plain build only until the resolver is
// iterative (docs/testing.md). Real 8-bit multipliers chain far fewer.
constexpr int kMaxResolveDepth = 1000;       // chained assignments from an output to an input

class BitBlaster {
 public:
  BitBlaster(const pugi::xml_document& doc, std::string source_path, std::string top_module);
  GateNetlist run();

 private:
  static constexpr int kMaxNetWidth = 1 << 16;  // the widest net a multiplier netlist may hold
  using Bits = std::vector<int>;  // signal ids, LSB first
  struct Driver { pugi::xml_node assign; int rhs_bit = -1; };
  struct Var {
    std::string name;
    int width = 1;
    Bits bits;                  // -1 until resolved
    std::vector<char> state;    // 0 unresolved, 1 resolving, 2 resolved
    std::vector<Driver> drivers;
  };

  [[noreturn]] void fail(const pugi::xml_node& at, const std::string& what) const;
  int line_of(const pugi::xml_node& n) const;
  int width_of(const pugi::xml_node& n) const;
  int find_var(const std::string& name, const pugi::xml_node& at) const;
  void read_types();
  void read_vars(const pugi::xml_node& scope);
  void check_ports(const pugi::xml_node& module);
  void read_assignments(const pugi::xml_node& scope);
  void add_lhs(const pugi::xml_node& lhs, const pugi::xml_node& assign, int& rhs_bit);
  int resolve(int var, int bit, const pugi::xml_node& at);
  const Bits& assign_value(const pugi::xml_node& assign);
  Bits eval(const pugi::xml_node& n);
  Bits eval_child(const pugi::xml_node& n, int index);
  Bits constant(const pugi::xml_node& n) const;
  long const_value(const pugi::xml_node& n) const;
  Bits fit(Bits b, int width, bool sign_extend) const;
  Bits add(const Bits& a, const Bits& b, int carry_in);
  Bits multiply(const Bits& a, const Bits& b, int width);
  int reduce(GateType type, const Bits& b);

  const pugi::xml_document& doc_;
  std::string path_, top_;
  GateNetlist net_;
  std::map<std::string, int> dtype_width_;
  std::vector<Var> vars_;
  std::unordered_map<std::string, int> var_index_;
  std::unordered_map<const void*, Bits> assign_cache_;
  int depth_ = 0;     // nets being resolved (the recursion depth)
  long net_bits_ = 0; // declared so far
};

}  // namespace alwann::rtl
