#pragma once
// Bit-blasts the continuous assignments of Verilator's flattened XML netlist
// into GateNetlist gates. Nets are resolved on demand from their drivers, so
// assignment order does not matter and combinational loops are detected.
// Resolution works on an explicit stack: before an assignment is evaluated,
// every net bit its right-hand side reads is resolved first (depth first, as
// a recursive resolver would, so errors name the same nets).
#include <pugixml.hpp>

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "rtl/GateNetlist.hpp"

namespace alwann::rtl {

// Size limits (docs/multipliers.md "Limits"): an 8x8 multiplier netlist,
// even technology-mapped with one 2032-bit bus, is far below them; beyond
// them the input is refused with a message instead of exhausting memory.
// There is no limit on chain length or expression nesting: nets are resolved
// and expressions evaluated with explicit stacks (at most one entry per net
// bit or XML node), never by recursion, so neither a long chain of
// assignments nor a deeply nested expression can overflow a thread's stack.
constexpr int kMaxNetBits = 1 << 20;         // bits of all declared nets together

class BitBlaster {
 public:
  // `sources`: the Verilog files Verilator read (the multiplier and its cell
  // libraries), whose module definitions locate cell instances; only these
  // files are ever opened (matched to the XML's file table by path, else by
  // name, as a cached XML may name an earlier copy of the same content).
  BitBlaster(const pugi::xml_document& doc, std::string source_path, std::string top_module,
             std::vector<std::string> sources = {});
  GateNetlist run();

 private:
  static constexpr int kMaxNetWidth = 1 << 16;  // the widest net a multiplier netlist may hold
  using Bits = std::vector<int>;  // signal ids, LSB first
  struct Driver { pugi::xml_node assign; int rhs_bit = -1; };
  struct Read { int var; int bit; pugi::xml_node at; };  // a net bit an expression reads, and where
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
  int lookup_var(const std::string& name) const;  // -1 unknown, -2 ambiguous
  int find_var(const std::string& name, const pugi::xml_node& at) const;  // fails on either
  void read_types();
  // Standard-cell instances (BitBlasterCells.cpp).
  void read_cell_instances(const pugi::xml_node& scope);
  std::string module_at(const pugi::xml_node& n);
  void record_cell_pins();
  void read_vars(const pugi::xml_node& scope);
  void check_ports(const pugi::xml_node& module);
  void read_assignments(const pugi::xml_node& scope);
  void add_lhs(const pugi::xml_node& lhs, const pugi::xml_node& assign, int& rhs_bit);
  int resolve(int var, int bit, const pugi::xml_node& at);
  void reads_of(const pugi::xml_node& expr, std::vector<Read>& out);
  const Bits& assign_value(const pugi::xml_node& assign);
  Bits eval(const pugi::xml_node& root);
  std::vector<pugi::xml_node> operands(const pugi::xml_node& n) const;
  Bits combine(const pugi::xml_node& n, std::vector<Bits>& operand_values);
  Bits constant(const pugi::xml_node& n) const;
  long const_value(const pugi::xml_node& n) const;
  Bits fit(Bits b, int width, bool sign_extend) const;
  Bits add(const Bits& a, const Bits& b, int carry_in);
  Bits multiply(const Bits& a, const Bits& b, int width);
  int reduce(GateType type, const Bits& b);

  const pugi::xml_document& doc_;
  std::string path_, top_;
  std::vector<std::string> sources_;
  GateNetlist net_;
  std::map<std::string, int> dtype_width_;
  std::vector<Var> vars_;
  std::unordered_map<std::string, int> var_index_;
  // Names relative to the top instance ("x" for "top.x"): -1 when ambiguous.
  // Looked up in constant time: a scan per reference was quadratic in the net count.
  std::unordered_map<std::string, int> suffix_index_;
  std::unordered_map<const void*, Bits> assign_cache_;
  long net_bits_ = 0; // declared so far
  // Cell instances (technology-mapped netlists): per var, the instance pins
  // whose net it is (by its flattened name or an alias); per assignment of
  // a cell's logic, the instance it belongs to.
  struct PinLink {
    int instance;
    std::string pin;
    bool operator==(const PinLink& o) const { return instance == o.instance && pin == o.pin; }
  };
  std::vector<std::vector<PinLink>> links_;
  std::unordered_map<const void*, int> assign_owner_;
  std::map<std::string, std::string> file_path_;                                  // XML file id -> path
  std::map<std::string, std::vector<std::pair<int, std::string>>> module_lines_;  // path -> (line, module)
};

}  // namespace alwann::rtl
