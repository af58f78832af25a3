#include "sim/Simulator.hpp"

#include <systemc>

#include <algorithm>
#include <random>

#include "mapping/ArrayTiming.hpp"
#include "rtl/MultiplierLibrary.hpp"
#include "sim/AcceleratorModel.hpp"
#include "sim/EnergyModel.hpp"
#include "sim/FoldExecutor.hpp"
#include "sim/MultiplyEnergy.hpp"
#include "sim/PeArray.hpp"

namespace alwann::sim {

Detail parse_detail(const std::string& s) {
  if (s == "fold") return Detail::Fold;
  if (s == "pe") return Detail::Pe;
  throw Error("--detail must be pe or fold (got '" + s + "')");
}

const char* detail_name(Detail d) { return d == Detail::Fold ? "fold" : "pe"; }

SimulationSetup SimulationSetup::make(mapping::AcceleratorConfig acc, mapping::NetworkWork work,
                                      const mapping::MappingConfig& m) {
  SimulationSetup s;
  if (acc.vector_unit.fuse_elementwise) mapping::fuse_elementwise(work);
  // Resolved: weights stay on chip only when they fit.
  acc.dram.weights_resident = acc.dram.weights_resident && mapping::weights_fit_on_chip(work, acc.global_buffer.size_bytes);
  s.mapping = mapping::resolve_mapping(m, acc, work);
  auto& lib = rtl::MultiplierLibrary::instance();
  for (const auto& name : s.mapping.unit_multipliers)
    if (!name.empty() && !lib.contains(name)) {
      std::string known;
      for (const auto& n : lib.names()) known += (known.empty() ? "" : ", ") + n;
      throw file_error(m.path, m.multipliers_line, "unknown multiplier '" + name + "' (known: " + known + ")");
    }
  s.schedule = mapping::build_schedule(acc, work, s.mapping);
  s.mapping_name = m.name;
  s.accelerator = std::move(acc);
  s.work = std::move(work);
  return s;
}

std::vector<LayerOperandsPtr> random_operands(const mapping::NetworkWork& work, std::uint64_t seed, double zero_fraction) {
  std::vector<LayerOperandsPtr> ops(work.size());
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution zero(zero_fraction);
  for (const auto& l : work) {
    if (!l.on_array()) continue;
    auto o = std::make_shared<LayerOperands>();
    for (int g = 0; g < l.groups; ++g) {
      std::vector<std::uint8_t> w(static_cast<std::size_t>(l.N) * l.K), x(static_cast<std::size_t>(l.T) * l.K);
      for (auto& v : w) v = static_cast<std::uint8_t>(rng());
      for (auto& v : x) v = zero(rng) ? std::uint8_t{0} : static_cast<std::uint8_t>(rng());
      o->weights.push_back(std::move(w));
      o->activations.push_back(std::move(x));
    }
    o->content_key = operand_content_key(*o);
    ops[l.id] = o;
  }
  return ops;
}

std::optional<double> library_power_metric(const mapping::NetworkWork& work, const mapping::ResolvedMapping& m) {
  auto& lib = rtl::MultiplierLibrary::instance();
  double num = 0, den = 0;
  for (const auto& l : work) {
    if (!l.on_array()) continue;
    const auto& p = lib.info(m.multiplier_of_layer(l.id)).figures.power_mw;
    if (!p) return std::nullopt;
    num += static_cast<double>(l.macs) * *p;
    den += static_cast<double>(l.macs);
  }
  if (den == 0) return std::nullopt;
  return num / den;
}

namespace {

// SystemC cannot restart a finished simulation: every run gets its own context.
struct FreshContext {
  FreshContext() {
    sc_core::sc_curr_simcontext = new sc_core::sc_simcontext;
    sc_core::sc_default_global_context = sc_core::sc_curr_simcontext;
  }
};

}  // namespace

void check_limits(const mapping::AcceleratorConfig& acc, const SimOptions& o) {
  if (o.images < 1 || o.images > kMaxStreamImages)
    throw Error("--stream " + std::to_string(o.images) + ": images simulated back to back must be 1.." +
                std::to_string(kMaxStreamImages) + " (per-image state grows with the stream)");
  if (o.sample_segments < 1 || o.sample_segments > kMaxSampleSegments)
    throw Error("--samples " + std::to_string(o.sample_segments) + ": operand-stream segments per layer must be 1.." +
                std::to_string(kMaxSampleSegments));
  if (o.detail == Detail::Pe)
    for (const auto& u : acc.units)
      if (u.pes() > kMaxPeLevelPes)
        throw file_error(acc.path, "--detail pe: unit " + u.name + " has " + std::to_string(u.rows) + "x" +
                                       std::to_string(u.cols) + " PEs; the PE level simulates at most " +
                                       std::to_string(kMaxPeLevelPes) + " PEs per array (256x256); use --detail fold");
}

SimResult simulate(const SimulationSetup& s, const SimOptions& o, MultiplyEnergyCache* cache) {
  check_limits(s.accelerator, o);
  const auto& acc = s.accelerator;
  SimResult result;
  result.accelerator = acc.name;
  result.mapping = s.mapping_name;
  result.detail = detail_name(o.detail);
  result.images = o.images;
  const auto tech = gate_technology(acc.tech.path);
  std::vector<std::int64_t> wakeups;
  std::vector<std::vector<BusyInterval>> busy;
  std::vector<std::int64_t> image_end;
  {
    FreshContext context;
    SimClock clock(acc.clock_hz);
    MemoryChannel gb(acc.global_buffer.bytes_per_cycle), dram(acc.dram.bytes_per_cycle);
    std::unique_ptr<ArrayExecutor> executor;
    std::vector<std::unique_ptr<PeArray>> arrays;
    std::vector<LayerOperandsPtr> pe_operands = s.operands;
    if (o.detail == Detail::Pe) {
      bool missing = pe_operands.size() != s.work.size();
      for (const auto& l : s.work) missing |= l.on_array() && (missing || !pe_operands[l.id]);
      if (missing) pe_operands = random_operands(s.work, o.seed);
      std::vector<PeArray*> raw(acc.units.size(), nullptr);
      for (std::size_t u = 0; u < acc.units.size(); ++u) {
        bool used = false;
        for (int id : s.schedule.unit_queue[u]) used |= s.work[id].on_array();
        if (!used) continue;
        arrays.push_back(std::make_unique<PeArray>(("array_" + acc.units[u].name).c_str(), acc.units[u].rows,
                                                   acc.units[u].cols, s.mapping.unit_multipliers[u],
                                                   acc.weight_buffering, clock, gb, tech, acc.tech.accumulator_bits));
        raw[u] = arrays.back().get();
      }
      executor = std::make_unique<PeExecutor>(raw, pe_operands, result, o.record_pe_streams, o.keep_outputs);
    } else {
      executor = std::make_unique<FoldExecutor>(acc, gb, clock);
    }
    AcceleratorModel model("accelerator", acc, s.work, s.mapping, s.schedule, o.images, clock, dram, *executor);
    sc_core::sc_start();
    result.layers = std::move(model.layers());
    busy = model.busy();
    wakeups = model.wakeups();
    for (int i = 0; i < o.images; ++i) image_end.push_back(model.image_end(i));
    for (const auto& a : arrays) result.pe_multiply_energy_fj += a->toggle_energy_fj();
  }
  const double f = acc.clock_hz;
  result.cycles = image_end.back();
  result.latency_cycles = image_end.front();
  result.latency_s = static_cast<double>(result.latency_cycles) / f;
  if (o.images > 1) {
    result.throughput_ips = (o.images - 1) * f / static_cast<double>(image_end.back() - image_end.front());
  } else if (acc.style == mapping::AcceleratorStyle::Pipelined) {
    std::int64_t slowest = 1;
    for (const auto& b : busy) {
      std::int64_t sum = 0;
      for (const auto& iv : b) sum += iv.end - iv.begin;
      slowest = std::max(slowest, sum);
    }
    result.throughput_ips = f / static_cast<double>(slowest);
  } else {
    result.throughput_ips = f / static_cast<double>(std::max<std::int64_t>(1, result.latency_cycles));
  }
  price_energy(s, o, cache, tech, busy, wakeups, result);
  result.library_power_metric_mw = library_power_metric(s.work, s.mapping);
  return result;
}

}  // namespace alwann::sim
