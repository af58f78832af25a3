#include "sim/EnergyModel.hpp"

#include <algorithm>

#include "mapping/ArrayTiming.hpp"
#include "sim/FoldExecutor.hpp"

namespace alwann::sim {

EnergyBreakdown& EnergyBreakdown::operator+=(const EnergyBreakdown& o) {
  multiply += o.multiply;
  accumulate += o.accumulate;
  registers += o.registers;
  psum_buffer += o.psum_buffer;
  global_buffer += o.global_buffer;
  dram += o.dram;
  vector_unit += o.vector_unit;
  leakage += o.leakage;
  wakeup += o.wakeup;
  return *this;
}

std::vector<std::pair<std::string, double>> EnergyBreakdown::components() const {
  return {{"multiply", multiply},       {"accumulate", accumulate}, {"registers", registers},
          {"psum_buffer", psum_buffer},   {"global_buffer", global_buffer}, {"dram", dram},
          {"vector_unit", vector_unit},   {"leakage", leakage},       {"wakeup", wakeup}};
}

PowerTime unit_power_time(const std::vector<BusyInterval>& busy, std::int64_t end, const mapping::PowerGatingConfig& pg) {
  PowerTime p;
  if (!pg.enabled) {
    std::int64_t b = 0;
    for (const auto& iv : busy) b += iv.end - iv.begin;
    p.powered_idle = end - b;
    return p;
  }
  std::int64_t t = 0;
  bool first = true;
  for (const auto& iv : busy) {
    const std::int64_t gap = iv.begin - t;
    if (first) {
      p.gated += gap;  // tiles start gated
    } else {
      p.powered_idle += std::min(gap, pg.idle_threshold_cycles);
      p.gated += std::max<std::int64_t>(0, gap - pg.idle_threshold_cycles);
    }
    first = false;
    t = iv.end;
  }
  const std::int64_t tail = end - t;
  if (first) {
    p.gated += tail;
  } else {
    p.powered_idle += std::min(tail, pg.idle_threshold_cycles);
    p.gated += std::max<std::int64_t>(0, tail - pg.idle_threshold_cycles);
  }
  return p;
}

void price_energy(const SimulationSetup& s, const SimOptions& o, MultiplyEnergyCache* cache,
                  const std::shared_ptr<const rtl::TechModel>& tech, const std::vector<std::vector<BusyInterval>>& busy,
                  const std::vector<std::int64_t>& wakeups, SimResult& res) {
  const auto& acc = s.accelerator;
  const auto& tf = acc.tech;
  const auto& pg = acc.power_gating;
  const double images = res.images;
  const double f = acc.clock_hz;
  MultiplyEnergyCache local;
  if (!cache) cache = &local;
  EnergyBreakdown total;
  for (auto& r : res.layers) {
    const auto& l = s.work[r.id];
    const int u = s.mapping.unit_of_layer[l.id];
    r.macs = l.macs;
    r.unit = u >= 0 ? acc.units[u].name : (l.vector_ops > 0 ? "vector" : "");
    if (u >= 0 && !l.on_array()) r.unit += ".vector";
    r.multiplier = l.on_array() ? s.mapping.unit_multipliers[u] : "";
    EnergyBreakdown e;
    const double cycles_per_image = static_cast<double>(r.cycles) / images;
    if (l.on_array()) {
      const int R = acc.units[u].rows, C = acc.units[u].cols;
      const ArrayTraffic tr = array_traffic(l, R, C);
      const bool local = acc.partial_sums == mapping::PartialSums::Accumulators;
      r.gb_read_bytes = tr.gb_read + (local ? 0 : tr.psum_read);
      r.gb_write_bytes = local ? tr.outputs : tr.psum_write;
      if (local) e.psum_buffer = static_cast<double>(tr.psum_read + tr.psum_write) * acc.accumulator_pj_per_byte;
      if (o.detail == Detail::Pe && r.measured_ops > 0) {
        r.multiply.mean_fj = r.measured_multiply_fj / static_cast<double>(r.measured_ops);
        r.multiply.sampled_ops = r.measured_ops;
        r.multiply.exact_count = true;
        e.multiply = r.measured_multiply_fj / images * 1e-3;
      } else {
        const std::size_t id = static_cast<std::size_t>(l.id);
        const LayerOperands* ops = id < s.operands.size() ? s.operands[id].get() : nullptr;
        r.multiply = cache->get(l, r.multiplier, R, ops, o, tech);
        e.multiply = r.multiply.mean_fj * static_cast<double>(l.macs) * 1e-3;
      }
      e.accumulate = static_cast<double>(l.macs + tr.accumulations) * tf.accumulator_add_pj;
      e.registers = static_cast<double>(tr.register_bytes) * tf.register_pj_per_byte;
      e.global_buffer = static_cast<double>(r.gb_read_bytes + r.gb_write_bytes) * acc.global_buffer.energy_pj_per_byte;
      const double array_cycles = static_cast<double>(r.compute_cycles + r.gb_stall_cycles) / images;
      r.utilization = array_cycles > 0 ? static_cast<double>(l.macs) / (array_cycles * R * C) : 0;
    } else {
      r.gb_read_bytes = l.in_bytes;
      r.gb_write_bytes = l.out_bytes;
      e.global_buffer = static_cast<double>(l.in_bytes + l.out_bytes) * acc.global_buffer.energy_pj_per_byte;
      e.vector_unit = static_cast<double>(l.vector_ops) *
                      (l.vector_macs ? acc.vector_unit.energy_pj_per_mac : acc.vector_unit.energy_pj_per_op);
    }
    e.dram = static_cast<double>(r.dram_bytes) / images * acc.dram.energy_pj_per_byte;
    if (u >= 0) {
      const double pes = acc.units[u].pes();
      // mW * s = mJ = 1e9 pJ; uW -> mW is 1e-3.
      e.leakage = pg.active_leakage_uw_per_pe * 1e-3 * pes * cycles_per_image / f * 1e9;
      if (pg.wakeup_cycles > 0 || r.wakeup_cycles > 0)
        e.wakeup = pg.wakeup_pj_per_pe * pes * (pg.wakeup_cycles > 0 ? static_cast<double>(r.wakeup_cycles) / pg.wakeup_cycles : 0) / images;
    }
    r.cycles = static_cast<std::int64_t>(cycles_per_image + 0.5);
    r.compute_cycles = static_cast<std::int64_t>(r.compute_cycles / images + 0.5);
    r.gb_stall_cycles = static_cast<std::int64_t>(r.gb_stall_cycles / images + 0.5);
    r.dram_cycles = static_cast<std::int64_t>(r.dram_cycles / images + 0.5);
    r.wakeup_cycles = static_cast<std::int64_t>(r.wakeup_cycles / images + 0.5);
    r.wait_cycles = static_cast<std::int64_t>(r.wait_cycles / images + 0.5);
    r.dram_bytes = static_cast<std::int64_t>(r.dram_bytes / images + 0.5);
    r.energy = e;
    total += e;
  }
  // Idle leakage (powered but idle, or gated) of every unit over the whole run.
  double idle_leak_pj = 0, wake_count = 0;
  for (std::size_t u = 0; u < acc.units.size(); ++u) {
    const PowerTime pt = unit_power_time(busy[u], res.cycles, pg);
    const double pes = acc.units[u].pes();
    idle_leak_pj += (static_cast<double>(pt.powered_idle) * pg.active_leakage_uw_per_pe +
                     static_cast<double>(pt.gated) * pg.gated_leakage_uw_per_pe) *
                    1e-3 * pes / f * 1e9;
    wake_count += static_cast<double>(wakeups[u]);
    std::int64_t busy_cycles = 0;
    for (const auto& iv : busy[u]) busy_cycles += iv.end - iv.begin;
    const std::string unit = "unit." + acc.units[u].name;
    res.stats.set(unit + ".busy", static_cast<double>(busy_cycles) / images, "cycles", "running layers, per image");
    res.stats.set(unit + ".powered_idle", static_cast<double>(pt.powered_idle) / images, "cycles", "idle but not yet gated, per image");
    res.stats.set(unit + ".gated", static_cast<double>(pt.gated) / images, "cycles", "power-gated, per image");
    res.stats.set(unit + ".wakeups", static_cast<double>(wakeups[u]) / images, "count", "per image");
  }
  total.leakage += idle_leak_pj / images;
  res.energy = total;
  res.multiply_energy_pj = total.multiply;
  auto& st = res.stats;
  st.set("cycles", static_cast<double>(res.cycles), "cycles", "all images, start to last layer's end");
  st.set("latency", res.latency_s, "s", "first image");
  st.set("throughput", res.throughput_ips, "images/s", "steady state");
  for (const auto& [name, v] : total.components()) st.set("energy." + name, v, "pJ", "per image");
  st.set("energy.total", total.total(), "pJ", "per image");
  st.set("energy.idle_leakage", idle_leak_pj / images, "pJ", "leakage of idle (powered or gated) units, per image");
  st.set("wakeups", wake_count / images, "count", "tile wake-ups per image");
}

}  // namespace alwann::sim
