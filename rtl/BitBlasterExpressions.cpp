// Expression evaluation of BitBlaster: one case per Verilator AST node type.
#include <cstdlib>
#include <cstring>

#include "rtl/BitBlaster.hpp"

namespace alwann::rtl {

namespace {
constexpr int k0 = GateNetlist::kConst0, k1 = GateNetlist::kConst1;
}

BitBlaster::Bits BitBlaster::fit(Bits b, int width, bool sign_extend) const {
  const int fill = (sign_extend && !b.empty()) ? b.back() : k0;
  b.resize(width, fill);
  return b;
}

long BitBlaster::const_value(const pugi::xml_node& n) const {
  const Bits b = constant(n);
  long v = 0;
  for (size_t i = 0; i < b.size() && i < 62; ++i) v |= static_cast<long>(b[i] == k1) << i;
  return v;
}

BitBlaster::Bits BitBlaster::constant(const pugi::xml_node& n) const {
  // Verilator writes constants as e.g. 32'h1, 3'sh5, 16'b101, 8'd9.
  const std::string text = n.attribute("name").value();
  const size_t q = text.find('\'');
  if (q == std::string::npos) fail(n, "cannot read constant '" + text + "'");
  const int width = std::atoi(text.c_str());
  size_t p = q + 1;
  if (p < text.size() && (text[p] == 's' || text[p] == 'S')) ++p;
  const char radix = static_cast<char>(std::tolower(text[p++]));
  const std::string digits = text.substr(p);
  Bits bits;
  if (radix == 'd') {
    unsigned long long v = std::strtoull(digits.c_str(), nullptr, 10);
    for (int i = 0; i < width; ++i) bits.push_back(i < 64 && ((v >> i) & 1) ? k1 : k0);
    return bits;
  }
  const int per = radix == 'h' ? 4 : radix == 'o' ? 3 : 1;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (*it == '_') continue;
    const int d = std::isdigit(*it) ? *it - '0' : std::tolower(*it) - 'a' + 10;
    if (d < 0 || d >= (1 << per)) fail(n, "constant '" + text + "' has x/z or bad digits");
    for (int i = 0; i < per; ++i) bits.push_back((d >> i) & 1 ? k1 : k0);
  }
  return fit(bits, width, false);
}

BitBlaster::Bits BitBlaster::add(const Bits& a, const Bits& b, int carry) {
  Bits sum(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    const int t = net_.add_gate(GateType::XOR, a[i], b[i]);
    sum[i] = net_.add_gate(GateType::XOR, t, carry);
    carry = net_.add_gate(GateType::OR, net_.add_gate(GateType::AND, a[i], b[i]),
                          net_.add_gate(GateType::AND, carry, t));
  }
  return sum;
}

BitBlaster::Bits BitBlaster::multiply(const Bits& a, const Bits& b, int width) {
  // Shift-and-add array: modulo 2^width, correct for both signednesses once
  // the operands are extended to `width`.
  Bits acc(width, k0);
  for (int i = 0; i < width; ++i) {
    Bits row(width, k0);
    for (int j = 0; i + j < width; ++j) row[i + j] = net_.add_gate(GateType::AND, a[j], b[i]);
    acc = add(acc, row, k0);
  }
  return acc;
}

int BitBlaster::reduce(GateType type, const Bits& b) {
  int r = b.empty() ? k0 : b[0];
  for (size_t i = 1; i < b.size(); ++i) r = net_.add_gate(type, r, b[i]);
  return r;
}

BitBlaster::Bits BitBlaster::eval(const pugi::xml_node& root) {
  // Post-order on an explicit stack: an expression may nest as deeply as the
  // file allows (a ^ b ^ c ^ ... is a left-deep tree), and recursion would
  // overflow a worker thread's stack.
  struct Frame {
    pugi::xml_node node;
    std::vector<pugi::xml_node> operands;
    std::vector<Bits> values;  // of operands[0..values.size())
  };
  std::vector<Frame> stack;
  stack.push_back({root, operands(root), {}});
  for (;;) {
    Frame& f = stack.back();
    if (f.values.size() < f.operands.size()) {
      const pugi::xml_node c = f.operands[f.values.size()];
      stack.push_back({c, operands(c), {}});  // `f` is not used after this
      continue;
    }
    Bits value = combine(f.node, f.values);
    stack.pop_back();
    if (stack.empty()) return value;
    stack.back().values.push_back(std::move(value));
  }
}

std::vector<pugi::xml_node> BitBlaster::operands(const pugi::xml_node& n) const {
  // The children evaluated as expressions, in the order combine() takes
  // them; structural errors are reported here, before any operand is read.
  width_of(n);
  const std::string op = n.name();
  auto child = [&](int index) {
    pugi::xml_node c = n.first_child();
    for (int i = 0; i < index && c; ++i) c = c.next_sibling();
    if (!c) fail(n, "malformed '" + op + "' node");
    return c;
  };
  if (op == "varref" || op == "const") return {};
  if (op == "sel") {
    if (std::string(n.first_child().next_sibling().name()) != "const") fail(n, "variable bit-select is not supported");
    if (std::string(n.first_child().name()) == "varref") return {};  // only the selected bits are read
    return {child(0)};
  }
  if (op == "shiftl" || op == "shiftr" || op == "shiftrs") {
    if (std::string(n.first_child().next_sibling().name()) != "const") fail(n, "shift by a variable amount is not supported");
    return {child(0)};
  }
  if (op == "and" || op == "or" || op == "xor" || op == "add" || op == "mul" || op == "muls" || op == "logand" ||
      op == "logor")
    return {child(0), child(1)};
  if (op == "concat" || op == "sub") return {child(1), child(0)};
  if (op == "not" || op == "extend" || op == "extends" || op == "replicate" || op == "negate" || op == "redand" ||
      op == "redor" || op == "redxor" || op == "lognot")
    return {child(0)};
  if (op == "cond" || op == "condbound") return {child(0), child(1), child(2)};
  fail(n, "unsupported expression '" + op + "' in a continuous assignment");
}

BitBlaster::Bits BitBlaster::combine(const pugi::xml_node& n, std::vector<Bits>& v) {
  const std::string op = n.name();
  const int width = width_of(n);
  auto bitwise = [&](GateType type) {
    const Bits a = fit(v[0], width, false), b = fit(v[1], width, false);
    Bits r(width);
    for (int i = 0; i < width; ++i) r[i] = net_.add_gate(type, a[i], b[i]);
    return r;
  };
  if (op == "varref") {  // every bit was resolved before the assignment is evaluated
    const int var = find_var(n.attribute("name").value(), n);
    Bits r(vars_[var].width);
    for (int i = 0; i < vars_[var].width; ++i) r[i] = resolve(var, i, n);
    return r;
  }
  if (op == "const") return constant(n);
  if (op == "and") return bitwise(GateType::AND);
  if (op == "or") return bitwise(GateType::OR);
  if (op == "xor") return bitwise(GateType::XOR);
  if (op == "not") {
    Bits a = fit(std::move(v[0]), width, false);
    for (int& s : a) s = net_.add_gate(GateType::NOT, s);
    return a;
  }
  if (op == "sel") {
    const long lo = const_value(n.first_child().next_sibling());
    const pugi::xml_node from_node = n.first_child();
    Bits r(width, k0);
    if (std::string(from_node.name()) == "varref") {  // only the selected bits need drivers
      const int var = find_var(from_node.attribute("name").value(), from_node);
      for (int i = 0; i < width; ++i)
        if (lo + i < vars_[var].width) r[i] = resolve(var, static_cast<int>(lo + i), n);
      return r;
    }
    const Bits& from = v[0];
    for (int i = 0; i < width; ++i)
      if (lo + i < static_cast<long>(from.size())) r[i] = from[lo + i];
    return r;
  }
  if (op == "concat") {  // operands: low part, then high part
    Bits lo = std::move(v[0]);
    lo.insert(lo.end(), v[1].begin(), v[1].end());
    return fit(std::move(lo), width, false);
  }
  if (op == "extend") return fit(std::move(v[0]), width, false);
  if (op == "extends") return fit(std::move(v[0]), width, true);
  if (op == "replicate") {
    const Bits& part = v[0];
    Bits r;
    // (an empty part cannot fill anything: it came from a zero-width operand)
    while (!part.empty() && static_cast<int>(r.size()) < width) r.insert(r.end(), part.begin(), part.end());
    return fit(std::move(r), width, false);
  }
  if (op == "redand" || op == "redor" || op == "redxor" || op == "lognot" || op == "logand" || op == "logor") {
    const GateType t = op == "redand" ? GateType::AND : op == "redxor" ? GateType::XOR : GateType::OR;
    int r = reduce(t, v[0]);
    if (op == "lognot") r = net_.add_gate(GateType::NOT, r);
    if (op == "logand" || op == "logor")
      r = net_.add_gate(op == "logand" ? GateType::AND : GateType::OR, r, reduce(GateType::OR, v[1]));
    return fit({r}, width, false);
  }
  if (op == "cond" || op == "condbound") {
    const int c = reduce(GateType::OR, v[0]);
    const Bits t = fit(std::move(v[1]), width, false), e = fit(std::move(v[2]), width, false);
    Bits r(width);
    for (int i = 0; i < width; ++i) r[i] = net_.add_gate(GateType::MUX, e[i], t[i], c);
    return r;
  }
  if (op == "add") return add(fit(std::move(v[0]), width, false), fit(std::move(v[1]), width, false), k0);
  if (op == "sub" || op == "negate") {  // sub's operands: subtrahend, then minuend
    Bits b = fit(std::move(v[0]), width, false);
    for (int& s : b) s = net_.add_gate(GateType::NOT, s);
    const Bits a = op == "sub" ? fit(std::move(v[1]), width, false) : Bits(width, k0);
    return add(a, b, k1);
  }
  if (op == "mul" || op == "muls") {
    const bool s = op == "muls";
    return multiply(fit(std::move(v[0]), width, s), fit(std::move(v[1]), width, s), width);
  }
  if (op == "shiftl" || op == "shiftr" || op == "shiftrs") {
    const long k = const_value(n.first_child().next_sibling());
    const Bits a = fit(std::move(v[0]), width, false);
    Bits r(width, op == "shiftrs" && !a.empty() ? a.back() : k0);
    for (int i = 0; i < width; ++i) {
      const long src = op == "shiftl" ? i - k : i + k;
      if (src >= 0 && src < width) r[i] = a[src];
    }
    return r;
  }
  fail(n, "unsupported expression '" + op + "' in a continuous assignment");
}

}  // namespace alwann::rtl
