#include "rtl/GateNetlist.hpp"

#include <utility>

namespace alwann::rtl {

GateNetlist::GateNetlist() {
  for (int i = 0; i < 16; ++i) signals_.push_back({GateType::PORT});
  signals_.push_back({GateType::CONST});
  signals_.push_back({GateType::CONST});
  outputs_.fill(kConst0);
  owner_.assign(signals_.size(), -1);
}

int GateNetlist::add_instance(std::string name, std::string cell) {
  instances_.push_back({std::move(name), std::move(cell)});
  return static_cast<int>(instances_.size()) - 1;
}

void GateNetlist::add_cell_pin(int instance, std::string pin, int signal) {
  cell_pins_.push_back({instance, std::move(pin), signal});
}

int GateNetlist::add_gate(GateType type, int a, int b, int sel) {
  const bool a0 = a == kConst0, a1 = a == kConst1, b0 = b == kConst0, b1 = b == kConst1;
  switch (type) {
    case GateType::BUF: return a;
    case GateType::NOT:
      if (a0) return kConst1;
      if (a1) return kConst0;
      if (signals_[a].type == GateType::NOT) return signals_[a].in0;
      break;
    case GateType::AND:
      if (a0 || b0) return kConst0;
      if (a1) return b;
      if (b1 || a == b) return a;
      break;
    case GateType::OR:
      if (a1 || b1) return kConst1;
      if (a0) return b;
      if (b0 || a == b) return a;
      break;
    case GateType::XOR:
      if (a0) return b;
      if (b0) return a;
      if (a1) return add_gate(GateType::NOT, b);
      if (b1) return add_gate(GateType::NOT, a);
      if (a == b) return kConst0;
      break;
    case GateType::MUX:
      if (sel == kConst0 || a == b) return a;
      if (sel == kConst1) return b;
      break;
    default: break;
  }
  signals_.push_back({type, a, b, sel});
  owner_.push_back(owner_now_);
  return static_cast<int>(signals_.size()) - 1;
}

void GateNetlist::finalize() {
  // Count readers to find NOTs over single-use AND/OR/XOR.
  std::vector<int> readers(signals_.size(), 0);
  auto count = [&](int s) { if (s >= 0) ++readers[s]; };
  for (const auto& g : signals_) { count(g.in0); count(g.in1); count(g.sel); }
  for (int o : outputs_) count(o);
  // A cell's net is never fused away (it is priced as that cell's output),
  // nor is a gate fused with one of another cell.
  std::vector<char> pin_net(signals_.size(), 0);
  for (const auto& p : cell_pins_) pin_net[p.signal] = 1;
  for (size_t s = 0; s < signals_.size(); ++s) {
    Gate& g = signals_[s];
    if (g.type != GateType::NOT || g.in0 < kFirstGate || readers[g.in0] != 1) continue;
    if (pin_net[g.in0] || owner_[g.in0] != owner_[s]) continue;
    const Gate inner = signals_[g.in0];
    GateType fused;
    if (inner.type == GateType::AND) fused = GateType::NAND;
    else if (inner.type == GateType::OR) fused = GateType::NOR;
    else if (inner.type == GateType::XOR) fused = GateType::XNOR;
    else continue;
    g = {fused, inner.in0, inner.in1, -1};
  }
  // Mark what the outputs need, then renumber (signals are already in
  // topological order: a gate is only created after its inputs).
  std::vector<char> live(signals_.size(), 0);
  for (int i = 0; i < kFirstGate; ++i) live[i] = 1;
  for (int o : outputs_) live[o] = 1;
  for (int s = static_cast<int>(signals_.size()) - 1; s >= kFirstGate; --s) {
    if (!live[s]) continue;
    const Gate& g = signals_[s];
    for (int in : {g.in0, g.in1, g.sel}) if (in >= 0) live[in] = 1;
  }
  std::vector<int> renum(signals_.size(), -1), owners;
  std::vector<Gate> kept;
  for (size_t s = 0; s < signals_.size(); ++s) {
    if (!live[s]) continue;
    Gate g = signals_[s];
    for (int* in : {&g.in0, &g.in1, &g.sel}) if (*in >= 0) *in = renum[*in];
    renum[s] = static_cast<int>(kept.size());
    kept.push_back(g);
    owners.push_back(owner_[s]);
  }
  signals_ = std::move(kept);
  owner_ = std::move(owners);
  for (int& o : outputs_) o = renum[o];
  std::vector<CellPin> pins;  // the pins of dead nets go with them
  for (auto& p : cell_pins_)
    if (renum[p.signal] >= 0) pins.push_back({p.instance, std::move(p.pin), renum[p.signal]});
  cell_pins_ = std::move(pins);
  fanout_.assign(signals_.size(), 0);
  for (const auto& g : signals_)
    for (int in : {g.in0, g.in1, g.sel}) if (in >= 0) ++fanout_[in];
  for (int o : outputs_) ++fanout_[o];
}

int GateNetlist::gate_count() const { return static_cast<int>(signals_.size()) - kFirstGate; }

std::map<std::string, int> GateNetlist::gate_counts() const {
  std::map<std::string, int> counts;
  for (size_t s = kFirstGate; s < signals_.size(); ++s) ++counts[gate_type_name(signals_[s].type)];
  return counts;
}

void GateNetlist::evaluate(const std::uint64_t va[8], const std::uint64_t vb[8],
                           std::vector<std::uint64_t>& v) const {
  v.resize(signals_.size());
  for (int i = 0; i < 8; ++i) {
    v[kInputA + i] = va[i];
    v[kInputB + i] = vb[i];
  }
  v[kConst0] = 0;
  v[kConst1] = ~0ull;
  const size_t n = signals_.size();
  for (size_t s = kFirstGate; s < n; ++s) {
    const Gate& g = signals_[s];
    const std::uint64_t a = v[g.in0];
    switch (g.type) {
      case GateType::NOT: v[s] = ~a; break;
      case GateType::AND: v[s] = a & v[g.in1]; break;
      case GateType::OR: v[s] = a | v[g.in1]; break;
      case GateType::XOR: v[s] = a ^ v[g.in1]; break;
      case GateType::NAND: v[s] = ~(a & v[g.in1]); break;
      case GateType::NOR: v[s] = ~(a | v[g.in1]); break;
      case GateType::XNOR: v[s] = ~(a ^ v[g.in1]); break;
      case GateType::MUX: v[s] = (v[g.sel] & v[g.in1]) | (~v[g.sel] & a); break;
      default: v[s] = a; break;
    }
  }
}

std::vector<std::uint16_t> GateNetlist::products() const {
  std::vector<std::uint16_t> out(65536);
  std::vector<std::uint64_t> v;
  std::uint64_t va[8], vb[8];
  for (int a = 0; a < 256; ++a) {
    for (int i = 0; i < 8; ++i) va[i] = ((a >> i) & 1) ? ~0ull : 0;
    for (int b0 = 0; b0 < 256; b0 += 64) {
      // Lane l holds b = b0 + l.
      for (int i = 0; i < 8; ++i) {
        std::uint64_t w = 0;
        for (int l = 0; l < 64; ++l) w |= static_cast<std::uint64_t>(((b0 + l) >> i) & 1) << l;
        vb[i] = w;
      }
      evaluate(va, vb, v);
      for (int l = 0; l < 64; ++l) {
        std::uint16_t p = 0;
        for (int bit = 0; bit < 16; ++bit) p |= static_cast<std::uint16_t>((v[outputs_[bit]] >> l) & 1) << bit;
        out[a * 256 + b0 + l] = p;
      }
    }
  }
  return out;
}

}  // namespace alwann::rtl
