#include "rtl/BitBlaster.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "common/Error.hpp"

namespace alwann::rtl {

BitBlaster::BitBlaster(const pugi::xml_document& doc, std::string source_path, std::string top_module,
                       std::vector<std::string> sources)
    : doc_(doc), path_(std::move(source_path)), top_(std::move(top_module)), sources_(std::move(sources)) {}

void BitBlaster::fail(const pugi::xml_node& at, const std::string& what) const {
  const int line = at ? line_of(at) : 0;
  throw line > 0 ? file_error(path_, line, what) : file_error(path_, what);
}

int BitBlaster::line_of(const pugi::xml_node& n) const {
  // loc="<file letter>,<first line>,<first col>,<last line>,<last col>"
  const char* loc = n.attribute("loc").value();
  const char* comma = std::strchr(loc, ',');
  return comma ? std::atoi(comma + 1) : 0;
}

int BitBlaster::width_of(const pugi::xml_node& n) const {
  int width = 1;
  if (auto w = n.attribute("width")) {
    width = w.as_int();
  } else if (auto it = dtype_width_.find(n.attribute("dtype_id").value()); it != dtype_width_.end()) {
    width = it->second;
  }
  // Widths are vector sizes below; a negative or huge one (found by fuzzing) overflowed them.
  if (width < 1 || width > kMaxNetWidth)
    fail(n, "net width " + std::to_string(width) + " out of range (1.." + std::to_string(kMaxNetWidth) + ")");
  return width;
}

void BitBlaster::read_types() {
  for (auto t : doc_.select_nodes("//typetable/*")) {
    const auto n = t.node();
    int width = 1;
    if (n.attribute("left") && n.attribute("right"))
      width = static_cast<int>(std::min<long long>(
          std::llabs(n.attribute("left").as_llong() - n.attribute("right").as_llong()) + 1, kMaxNetWidth + 1LL));
    dtype_width_[n.attribute("id").value()] = width;
  }
}

int BitBlaster::lookup_var(const std::string& name) const {
  if (auto it = var_index_.find(name); it != var_index_.end()) return it->second;
  // Verilator sometimes names a reference relative to the top instance.
  const auto it = suffix_index_.find(name);
  if (it == suffix_index_.end()) return -1;
  return it->second < 0 ? -2 : it->second;
}

int BitBlaster::find_var(const std::string& name, const pugi::xml_node& at) const {
  const int var = lookup_var(name);
  if (var == -1) fail(at, "reference to unknown net '" + name + "'");
  if (var == -2) fail(at, "ambiguous net reference '" + name + "'");
  return var;
}

void BitBlaster::read_vars(const pugi::xml_node& scope) {
  for (auto vs : scope.children("varscope")) {
    Var v;
    v.name = vs.attribute("name").value();
    v.width = width_of(vs);
    net_bits_ += v.width;
    if (net_bits_ > kMaxNetBits)
      fail(vs, "more than " + std::to_string(kMaxNetBits) + " net bits: too large for an 8x8 multiplier netlist");
    v.bits.assign(v.width, -1);
    v.state.assign(v.width, 0);
    var_index_[v.name] = static_cast<int>(vars_.size());
    vars_.push_back(std::move(v));
  }
  // Every part of a name after a '.', for references relative to the top instance.
  for (size_t i = 0; i < vars_.size(); ++i) {
    const std::string& v = vars_[i].name;
    for (size_t dot = v.find('.'); dot != std::string::npos; dot = v.find('.', dot + 1)) {
      auto [it, inserted] = suffix_index_.emplace(v.substr(dot + 1), static_cast<int>(i));
      if (!inserted && it->second != static_cast<int>(i)) it->second = -1;
    }
  }
}

void BitBlaster::check_ports(const pugi::xml_node& module) {
  std::map<std::string, std::pair<std::string, int>> ports;
  std::ostringstream found;
  for (auto v : module.children("var")) {
    if (!v.attribute("dir")) continue;
    const std::string name = v.attribute("name").value(), dir = v.attribute("dir").value();
    ports[name] = {dir, width_of(v)};
    found << (found.tellp() > 0 ? ", " : "") << dir << " [" << width_of(v) - 1 << ":0] " << name;
  }
  const bool ok = ports.size() == 3 && ports.count("A") && ports.count("B") && ports.count("O") &&
                  ports["A"] == std::pair<std::string, int>{"input", 8} &&
                  ports["B"] == std::pair<std::string, int>{"input", 8} &&
                  ports["O"] == std::pair<std::string, int>{"output", 16};
  if (!ok)
    fail(module, "module '" + top_ + "' must have exactly the ports input [7:0] A, input [7:0] B, "
                 "output [15:0] O (found: " + found.str() + ")");
  // The scoped nets must match the module's ports (fuzzing found XML where they did not).
  for (const char* port : {"A", "B", "O"})
    if (vars_[find_var(port, module)].width != ports[port].second)
      fail(module, std::string("port ") + port + " is declared " + std::to_string(ports[port].second) +
                       " bits wide but its net has " + std::to_string(vars_[find_var(port, module)].width));
  for (int i = 0; i < 8; ++i) {
    Var& a = vars_[find_var("A", module)];
    Var& b = vars_[find_var("B", module)];
    a.bits[i] = GateNetlist::kInputA + i;
    b.bits[i] = GateNetlist::kInputB + i;
    a.state[i] = b.state[i] = 2;
  }
}

void BitBlaster::add_lhs(const pugi::xml_node& target, const pugi::xml_node& assign, int& rhs_bit) {
  // {hi, lo} = ...: the low part takes the low bits, so a concatenation's last
  // part is taken first (an explicit stack: concatenations may nest deeply).
  std::vector<pugi::xml_node> pending{target};
  while (!pending.empty()) {
    const pugi::xml_node lhs = pending.back();
    pending.pop_back();
    const std::string op = lhs.name();
    if (op == "concat") {
      pending.push_back(lhs.first_child());
      pending.push_back(lhs.last_child());
      continue;
    }
    int var, lsb = 0, width;
    if (op == "varref") {
      var = find_var(lhs.attribute("name").value(), lhs);
      width = vars_[var].width;
    } else if (op == "sel" && std::string(lhs.first_child().name()) == "varref") {
      var = find_var(lhs.first_child().attribute("name").value(), lhs);
      auto it = lhs.first_child().next_sibling();
      if (std::string(it.name()) != "const") fail(lhs, "variable bit-select on the left of an assignment is not supported");
      lsb = static_cast<int>(const_value(it));
      width = static_cast<int>(const_value(it.next_sibling()));
    } else {
      fail(lhs, "unsupported assignment target '" + op + "'");
    }
    for (int i = 0; i < width; ++i) {
      if (lsb + i >= vars_[var].width) fail(lhs, "bit-select out of range on '" + vars_[var].name + "'");
      vars_[var].drivers.resize(vars_[var].width);
      Driver& d = vars_[var].drivers[lsb + i];
      if (d.assign) fail(lhs, "net '" + vars_[var].name + "' bit " + std::to_string(lsb + i) + " has two drivers");
      d = {assign, rhs_bit++};
    }
  }
}

void BitBlaster::read_assignments(const pugi::xml_node& scope) {
  for (auto n : scope.children()) {
    const std::string op = n.name();
    if (op == "varscope" || op == "assignalias") continue;  // aliases: see below
    if (op == "contassign" || op == "assignw") {
      int rhs_bit = 0;
      add_lhs(n.last_child(), n, rhs_bit);
      continue;
    }
    if (op == "initial") {  // Verilator turns `assign x = <constant>;` into an initial block
      for (auto a : n.children()) {
        if (std::string(a.name()) != "assign" || std::string(a.first_child().name()) != "const")
          fail(n, "unsupported construct 'initial' (only continuous assignments are supported)");
        int rhs_bit = 0;
        add_lhs(a.last_child(), a, rhs_bit);
      }
      continue;
    }
    fail(n, "unsupported construct '" + op + "' (only continuous assignments are supported)");
  }
  // --flatten mostly rewrites references to the aliased net; an alias (rhs
  // first, target last) only drives target bits nothing else drives.
  for (auto n : scope.children("assignalias")) {
    const pugi::xml_node lhs = n.last_child();
    if (std::string(lhs.name()) != "varref") continue;
    // A port aliased to itself drives nothing (it made undriven outputs look like loops).
    if (std::string(n.first_child().attribute("name").value()) == lhs.attribute("name").value()) continue;
    Var& v = vars_[find_var(lhs.attribute("name").value(), lhs)];
    v.drivers.resize(v.width);
    for (int i = 0; i < v.width; ++i)
      if (v.state[i] == 0 && !v.drivers[i].assign) v.drivers[i] = {n, i};
  }
}

int BitBlaster::resolve(int var, int bit, const pugi::xml_node& at) {
  // Depth first on an explicit stack (a chain of assignments is as long as
  // the netlist: recursion overflowed a worker thread's stack, under
  // AddressSanitizer at under 1000 links). Each frame is one net bit whose
  // driving assignment is evaluated once every bit it reads is resolved.
  struct Frame {
    int var, bit;
    Driver driver;
    std::vector<Read> reads;  // empty when the assignment's value is already known
    size_t next = 0;
  };
  std::vector<Frame> stack;
  auto enter = [&](int x, int b, const pugi::xml_node& where) {
    Var& v = vars_[x];
    if (v.state[b] == 2) return;
    if (v.state[b] == 1) fail(where, "combinational loop through net '" + v.name + "'");
    if (v.drivers.size() <= static_cast<size_t>(b) || !v.drivers[b].assign)
      fail(where, "net '" + v.name + "' bit " + std::to_string(b) + " is read but never driven");
    v.state[b] = 1;
    Frame f{x, b, v.drivers[b], {}, 0};
    if (!assign_cache_.count(f.driver.assign.internal_object())) reads_of(f.driver.assign.first_child(), f.reads);
    stack.push_back(std::move(f));
  };
  enter(var, bit, at);
  while (!stack.empty()) {
    Frame& f = stack.back();
    if (f.next < f.reads.size()) {
      const Read r = f.reads[f.next++];
      enter(r.var, r.bit, r.at);  // may grow the stack: `f` is not used after this
      continue;
    }
    const auto owner = assign_owner_.find(f.driver.assign.internal_object());
    net_.set_owner(owner == assign_owner_.end() ? -1 : owner->second);  // gates of a cell's logic
    const Bits& value = assign_value(f.driver.assign);  // reads only resolved bits now
    net_.set_owner(-1);
    Var& v = vars_[f.var];
    v.bits[f.bit] = f.driver.rhs_bit < static_cast<int>(value.size()) ? value[f.driver.rhs_bit] : GateNetlist::kConst0;
    v.state[f.bit] = 2;
    stack.pop_back();
  }
  return vars_[var].bits[bit];
}

void BitBlaster::reads_of(const pugi::xml_node& expr, std::vector<Read>& out) {
  // The net bits eval() will read, in the order it reads them (pre-order over
  // the same operands, on an explicit stack).
  std::vector<pugi::xml_node> pending{expr};
  while (!pending.empty()) {
    const pugi::xml_node n = pending.back();
    pending.pop_back();
    const std::string op = n.name();
    if (op == "varref") {
      const int var = find_var(n.attribute("name").value(), n);
      for (int i = 0; i < vars_[var].width; ++i) out.push_back({var, i, n});
      continue;
    }
    const std::vector<pugi::xml_node> ops = operands(n);
    if (op == "sel" && std::string(n.first_child().name()) == "varref") {  // only the selected bits
      const int var = find_var(n.first_child().attribute("name").value(), n.first_child());
      const long lo = const_value(n.first_child().next_sibling());
      const int width = width_of(n);
      for (int i = 0; i < width; ++i)
        if (lo + i < vars_[var].width) out.push_back({var, static_cast<int>(lo + i), n});
      continue;
    }
    for (auto it = ops.rbegin(); it != ops.rend(); ++it) pending.push_back(*it);
  }
}

const BitBlaster::Bits& BitBlaster::assign_value(const pugi::xml_node& assign) {
  const void* key = assign.internal_object();
  if (auto it = assign_cache_.find(key); it != assign_cache_.end()) return it->second;
  Bits value = eval(assign.first_child());
  return assign_cache_[key] = std::move(value);
}

GateNetlist BitBlaster::run() {
  read_types();
  pugi::xml_node module;
  for (auto m : doc_.select_nodes("//netlist/module"))
    if (m.node().attribute("topModule")) module = m.node();
  if (!module) fail({}, "Verilator produced no top module");
  const pugi::xml_node scope = module.select_node(".//topscope/scope").node();
  read_vars(scope);
  read_cell_instances(scope);
  check_ports(module);
  read_assignments(scope);
  const int o = find_var("O", module);
  // Undriven output bits, as ranges ("O[15:1]"), before any is resolved.
  std::string undriven;
  const Var& out = vars_[o];
  for (int hi = 15; hi >= 0; --hi) {
    auto driven = [&](int b) {
      return out.state[b] == 2 || (b < static_cast<int>(out.drivers.size()) && out.drivers[b].assign);
    };
    if (driven(hi)) continue;
    int lo = hi;
    while (lo > 0 && !driven(lo - 1)) --lo;
    undriven += (undriven.empty() ? "" : ", ") + std::string("O[") + std::to_string(hi) +
                (lo == hi ? "" : ":" + std::to_string(lo)) + "]";
    hi = lo;
  }
  if (!undriven.empty()) fail(module, "output bits " + undriven + " are not driven");
  for (int bit = 0; bit < 16; ++bit) net_.set_output(bit, resolve(o, bit, module));
  record_cell_pins();
  net_.finalize();
  return std::move(net_);
}

}  // namespace alwann::rtl
