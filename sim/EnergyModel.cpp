#include "sim/EnergyModel.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "mapping/ArrayTiming.hpp"
#include "nn/ParallelFor.hpp"
#include "rtl/MultiplierLibrary.hpp"
#include "sim/MultiplyEnergy.hpp"
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

namespace {

// Bits of one PE clocked every cycle: the activation and partial-sum
// registers, and without weight clock gating the active and shadow weights.
double clocked_bits_per_pe(const mapping::AcceleratorConfig& acc) {
  return 8.0 + acc.tech.accumulator_bits + (acc.weight_clock_gating ? 0.0 : 16.0);
}

// The data-dependent part of an array layer (pJ per image): multiplier,
// accumulator adder (in-array and out-of-array additions) and the registers'
// data flips. Weight bytes flip half their bits per shift (assumption).
void price_datapath(const PeDatapathEnergy& d, const mapping::LayerWork& l, const ArrayTraffic& tr,
                    const mapping::TechnologyFigures& tf, EnergyBreakdown& e) {
  e.multiply = d.multiply.mean_fj * static_cast<double>(l.macs) * 1e-3;
  e.accumulate = d.add.mean_fj * static_cast<double>(l.macs + tr.accumulations) * 1e-3;
  const double flips = (d.activation_flips + d.psum_flips) * static_cast<double>(l.macs) + 4.0 * static_cast<double>(tr.weight_shifts);
  e.registers += flips * tf.register_toggle_fj_per_bit * 1e-3;
}

}  // namespace

void warm_multiply_energy(const std::vector<const SimulationSetup*>& setups, const SimOptions& o,
                          MultiplyEnergyCache& cache, int threads) {
  struct Lookup {
    const SimulationSetup* s;
    const mapping::LayerWork* l;
    const LayerOperands* ops;
    std::shared_ptr<const rtl::TechModel> tech;
  };
  std::vector<Lookup> todo;
  std::set<MultiplyEnergyCache::Key> seen;  // one lookup per cache key: no two threads compute the same entry
  auto& lib = rtl::MultiplierLibrary::instance();
  std::map<std::string, std::shared_ptr<const rtl::TechModel>> techs;  // a batch shares one accelerator
  for (const SimulationSetup* s : setups) {
    auto& tech = techs[s->accelerator.tech.path];
    if (!tech) tech = gate_technology(s->accelerator.tech.path);
    for (const auto& l : s->work) {
      const int u = s->mapping.unit_of_layer[static_cast<std::size_t>(l.id)];
      if (!l.on_array() || u < 0 || !lib.info(s->mapping.unit_multipliers[static_cast<std::size_t>(u)]).has_netlist)
        continue;
      const std::size_t id = static_cast<std::size_t>(l.id);
      const LayerOperands* ops = id < s->operands.size() ? s->operands[id].get() : nullptr;
      const std::string& m = s->mapping.unit_multipliers[static_cast<std::size_t>(u)];
      const int rows = s->accelerator.units[static_cast<std::size_t>(u)].rows, bits = s->accelerator.tech.accumulator_bits;
      if (ops && seen.insert(MultiplyEnergyCache::key(l, m, rows, bits, ops, o)).second) todo.push_back({s, &l, ops, tech});
      if (seen.insert(MultiplyEnergyCache::key(l, m, rows, bits, nullptr, o)).second) todo.push_back({s, &l, nullptr, tech});
    }
  }
  nn::parallel_for(todo.size(), threads, [&](std::size_t i, int) {
    const Lookup& k = todo[i];
    const int u = k.s->mapping.unit_of_layer[static_cast<std::size_t>(k.l->id)];
    const auto& acc = k.s->accelerator;
    cache.get(*k.l, k.s->mapping.unit_multipliers[static_cast<std::size_t>(u)], acc.units[static_cast<std::size_t>(u)].rows,
              acc.tech.accumulator_bits, k.ops, o, k.tech);
  });
}

void price_energy(const SimulationSetup& s, const SimOptions& o, MultiplyEnergyCache* cache,
                  const std::shared_ptr<const rtl::TechModel>& tech, const std::vector<std::vector<BusyInterval>>& busy,
                  const std::vector<std::int64_t>& wakeups, SimResult& res) {
  const auto& acc = s.accelerator;
  const auto& tf = acc.tech;
  const auto& pg = acc.power_gating;
  const double images = res.images;
  const double f = acc.clock_hz;
  const double clock_fj_per_pe_cycle = clocked_bits_per_pe(acc) * tf.register_clock_fj_per_bit;
  MultiplyEnergyCache local;
  if (!cache) cache = &local;
  EnergyBreakdown total, total_random;
  for (auto& r : res.layers) {
    const auto& l = s.work[r.id];
    const int u = s.mapping.unit_of_layer[l.id];
    r.macs = l.macs;
    r.unit = u >= 0 ? acc.units[u].name : (l.vector_ops > 0 ? "vector" : "");
    if (u >= 0 && !l.on_array()) r.unit += ".vector";
    if (l.fused) r.unit += ".fused";
    r.multiplier = l.on_array() ? s.mapping.unit_multipliers[u] : "";
    EnergyBreakdown e;
    const double cycles_per_image = static_cast<double>(r.cycles) / images;
    PeDatapathEnergy real, random;
    ArrayTraffic tr;
    if (l.on_array()) {
      const int R = acc.units[u].rows, C = acc.units[u].cols;
      const double pes = acc.units[u].pes();
      const bool local_ps = acc.partial_sums == mapping::PartialSums::Accumulators;
      tr = array_traffic(l, R, C, local_ps ? acc.accumulator_bytes : 0);
      const std::int64_t psum_gb_read = local_ps ? tr.psum_spill_read : tr.psum_read;
      const std::int64_t psum_gb_write = local_ps ? tr.psum_spill_write : tr.psum_write;
      r.gb_read_bytes = tr.gb_read + psum_gb_read;
      r.gb_write_bytes = (local_ps ? tr.outputs : 0) + psum_gb_write;
      if (local_ps)
        e.psum_buffer = static_cast<double>(tr.psum_read + tr.psum_write - psum_gb_read - psum_gb_write) * acc.accumulator_pj_per_byte;
      const std::size_t id = static_cast<std::size_t>(l.id);
      const LayerOperands* ops = id < s.operands.size() ? s.operands[id].get() : nullptr;
      const int bits = tf.accumulator_bits;
      real = cache->get(l, r.multiplier, R, bits, ops, o, tech);
      random = ops ? cache->get(l, r.multiplier, R, bits, nullptr, o, tech) : real;
      if (o.detail == Detail::Pe && r.measured_ops > 0) {  // every MAC of every PE toggle-counted
        const double n = static_cast<double>(r.measured_ops);
        real.multiply = {r.measured_multiply_fj / n, 0, r.measured_ops, true};
        real.add = {r.measured_add_fj / n, 0, r.measured_ops, true};
        real.activation_flips = static_cast<double>(r.measured_register_flips) / n;
        real.psum_flips = 0;
      }
      if (!rtl::MultiplierLibrary::instance().info(r.multiplier).has_netlist)
        real.multiply = random.multiply = library_priced_multiply(r.multiplier, f);
      r.multiply = real.multiply;
      r.add = real.add;
      r.register_flips_per_mac = real.activation_flips + real.psum_flips;
      // Clocks: every register bit of every PE each cycle the layer holds the
      // powered unit (fill, drain, stalls, DRAM waits, idle PEs of partial
      // folds), plus the weight shift chain during each fold's R load cycles.
      const double held = std::max(0.0, cycles_per_image - static_cast<double>(r.wakeup_cycles) / images);
      const double load_clocks = acc.weight_clock_gating ? static_cast<double>(mapping::fold_count(l, R, C)) * R * 8.0 : 0.0;
      e.registers = (clock_fj_per_pe_cycle * held + tf.register_clock_fj_per_bit * load_clocks) * pes * 1e-3;
      e.global_buffer = static_cast<double>(r.gb_read_bytes + r.gb_write_bytes) * acc.global_buffer.energy_pj_per_byte;
      const double array_cycles = static_cast<double>(r.compute_cycles + r.gb_stall_cycles) / images;
      r.utilization = array_cycles > 0 ? static_cast<double>(l.macs) / (array_cycles * R * C) : 0;
    } else {
      r.gb_read_bytes = l.fused ? l.fused_read_bytes : l.in_bytes;
      r.gb_write_bytes = l.fused ? 0 : l.out_bytes;
      e.global_buffer = static_cast<double>(r.gb_read_bytes + r.gb_write_bytes) * acc.global_buffer.energy_pj_per_byte;
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
    EnergyBreakdown er = e;
    if (l.on_array()) {
      price_datapath(real, l, tr, tf, e);
      price_datapath(random, l, tr, tf, er);
    }
    r.cycles = static_cast<std::int64_t>(cycles_per_image + 0.5);
    r.compute_cycles = static_cast<std::int64_t>(r.compute_cycles / images + 0.5);
    r.gb_stall_cycles = static_cast<std::int64_t>(r.gb_stall_cycles / images + 0.5);
    r.dram_cycles = static_cast<std::int64_t>(r.dram_cycles / images + 0.5);
    r.wakeup_cycles = static_cast<std::int64_t>(r.wakeup_cycles / images + 0.5);
    r.wait_cycles = static_cast<std::int64_t>(r.wait_cycles / images + 0.5);
    r.dram_bytes = static_cast<std::int64_t>(r.dram_bytes / images + 0.5);
    r.energy = e;
    r.energy_random = er;
    total += e;
    total_random += er;
  }
  // Idle leakage (powered but idle, or gated) of every unit over the whole run.
  double idle_leak_pj = 0, wake_count = 0, idle_clock_pj = 0;
  for (std::size_t u = 0; u < acc.units.size(); ++u) {
    const PowerTime pt = unit_power_time(busy[u], res.cycles, pg);
    const double pes = acc.units[u].pes();
    idle_leak_pj += (static_cast<double>(pt.powered_idle) * pg.active_leakage_uw_per_pe +
                     static_cast<double>(pt.gated) * pg.gated_leakage_uw_per_pe) *
                    1e-3 * pes / f * 1e9;
    idle_clock_pj += static_cast<double>(pt.powered_idle) * pes * clock_fj_per_pe_cycle * 1e-3;  // clock runs while powered
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
  total.registers += idle_clock_pj / images;
  total_random.leakage += idle_leak_pj / images;
  total_random.registers += idle_clock_pj / images;
  res.energy = total;
  res.energy_random = total_random;
  res.multiply_energy_pj = total.multiply;
  auto& st = res.stats;
  st.set("cycles", static_cast<double>(res.cycles), "cycles", "all images, start to last layer's end");
  st.set("latency", res.latency_s, "s", "first image");
  st.set("throughput", res.throughput_ips, "images/s", "steady state");
  for (const auto& [name, v] : total.components()) st.set("energy." + name, v, "pJ", "per image");
  st.set("energy.total", total.total(), "pJ", "per image");
  st.set("energy.idle_leakage", idle_leak_pj / images, "pJ", "leakage of idle (powered or gated) units, per image");
  st.set("energy.idle_clock", idle_clock_pj / images, "pJ", "register clocking of powered idle units (in registers), per image");
  for (const auto& [name, v] : total_random.components())
    st.set("energy_random." + name, v, "pJ", "per image, uniformly random operand codes");
  st.set("wakeups", wake_count / images, "count", "tile wake-ups per image");
}

}  // namespace alwann::sim
