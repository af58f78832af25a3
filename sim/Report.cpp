#include "sim/Report.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace alwann::sim {

std::string layer_table(const SimResult& r) {
  std::string s = fmt::format("{:<32} {:<14} {:<15} {:>10} {:>9} {:>6} {:>6} {:>14} {:>9} {:>10} {:>9} {:>9} {:>9} {:>9} {:>10}\n",
                              "layer", "unit", "multiplier", "MACs", "cycles", "util", "folds", "fJ/mul (95%)", "mul pJ", "acc+reg+ps",
                              "gbuf pJ", "dram pJ", "vec pJ", "leak+wk", "total pJ");
  for (const auto& l : r.layers) {
    if (l.unit.empty()) continue;
    const auto& e = l.energy;
    const std::string per_mul = l.multiplier.empty() ? "-"
                                : l.multiply.exact_count ? fmt::format("{:.1f} (all)", l.multiply.mean_fj)
                                                         : fmt::format("{:.1f}+-{:.1f}", l.multiply.mean_fj, l.multiply.ci95_fj);
    s += fmt::format("{:<32} {:<14} {:<15} {:>10} {:>9} {:>5.1f}% {:>6} {:>14} {:>9.0f} {:>10.0f} {:>9.0f} {:>9.0f} {:>9.0f} {:>9.0f} {:>10.0f}\n",
                     l.name.size() > 32 ? "..." + l.name.substr(l.name.size() - 29) : l.name, l.unit, l.multiplier.empty() ? "-" : l.multiplier, l.macs, l.cycles,
                     100 * l.utilization, l.folds, per_mul, e.multiply, e.accumulate + e.registers + e.psum_buffer, e.global_buffer, e.dram,
                     e.vector_unit, e.leakage + e.wakeup, e.total());
  }
  return s;
}

std::string totals_text(const SimResult& r) {
  std::string s;
  s += fmt::format("accelerator {}  mapping {}  detail {}  simulated images {} (--stream)  operands {}\n", r.accelerator,
                   r.mapping, r.detail, r.images, r.operands);
  s += fmt::format("latency        {} cycles = {:.3f} us\n", r.latency_cycles, r.latency_s * 1e6);
  s += fmt::format("throughput     {:.1f} images/s\n", r.throughput_ips);
  s += fmt::format("energy         {:.1f} nJ per inference\n", r.energy.total() * 1e-3);
  s += fmt::format("  {:<13} {:>12} {:>8} {:>14}\n", "component", "pJ", "share", "random data pJ");
  const auto random = r.energy_random.components();
  std::size_t i = 0;
  for (const auto& [name, v] : r.energy.components())
    s += fmt::format("  {:<13} {:>12.1f} {:>6.1f} % {:>14.1f}\n", name, v, r.energy.total() > 0 ? 100 * v / r.energy.total() : 0,
                     random[i++].second);
  s += fmt::format("  {:<13} {:>12.1f} {:>8} {:>14.1f}\n", "total", r.energy.total(), "", r.energy_random.total());
  s += fmt::format("multiplication {:.1f} pJ per inference\n", r.multiply_energy_pj);
  s += r.library_power_metric_mw ? fmt::format("library power  {:.4f} mW (MAC-weighted mean, reference metric)\n", *r.library_power_metric_mw)
                                 : std::string("library power  n/a (a multiplier has no library power figure)\n");
  s += r.accuracy ? fmt::format("accuracy       {:.2f} % on {} test images\n", *r.accuracy, r.accuracy_images)
                  : std::string("accuracy       n/a (no --images, or random operands)\n");
  return s;
}

nlohmann::json to_json(const SimResult& r) {
  using nlohmann::json;
  json j;
  j["accelerator"] = r.accelerator;
  j["mapping"] = r.mapping;
  j["detail"] = r.detail;
  j["images"] = r.images;
  j["cycles"] = r.latency_cycles;
  j["cycles_all_images"] = r.cycles;
  j["latency_s"] = r.latency_s;
  j["throughput_ips"] = r.throughput_ips;
  j["energy_pj"] = r.energy.total();
  json b = json::object();
  for (const auto& [name, v] : r.energy.components()) b[name] = v;
  j["energy_breakdown_pj"] = b;
  json br = json::object();
  for (const auto& [name, v] : r.energy_random.components()) br[name] = v;
  j["energy_random_operands_pj"] = r.energy_random.total();
  j["energy_breakdown_random_operands_pj"] = br;
  j["operands"] = r.operands;
  j["multiply_energy_pj"] = r.multiply_energy_pj;
  j["library_power_metric_mw"] = r.library_power_metric_mw ? json(*r.library_power_metric_mw) : json(nullptr);
  j["accuracy"] = r.accuracy ? json(*r.accuracy) : json(nullptr);
  json layers = json::array();
  for (const auto& l : r.layers) {
    if (l.unit.empty()) continue;
    json e = json::object();
    for (const auto& [name, v] : l.energy.components()) e[name] = v;
    layers.push_back({{"name", l.name},
                      {"op", l.op},
                      {"unit", l.unit},
                      {"multiplier", l.multiplier.empty() ? json(nullptr) : json(l.multiplier)},
                      {"macs", l.macs},
                      {"cycles", l.cycles},
                      {"compute_cycles", l.compute_cycles},
                      {"gb_stall_cycles", l.gb_stall_cycles},
                      {"dram_cycles", l.dram_cycles},
                      {"wakeup_cycles", l.wakeup_cycles},
                      {"wait_cycles", l.wait_cycles},
                      {"folds", l.folds},
                      {"utilization", l.utilization},
                      {"energy_pj", l.energy.total()},
                      {"energy_breakdown_pj", e},
                      {"multiply_fj_per_op", l.multiply.mean_fj},
                      {"multiply_fj_ci95", l.multiply.ci95_fj},
                      {"multiply_sampled_ops", l.multiply.sampled_ops},
                      {"multiply_exact_count", l.multiply.exact_count},
                      {"add_fj_per_op", l.add.mean_fj},
                      {"add_fj_ci95", l.add.ci95_fj},
                      {"energy_random_operands_pj", l.energy_random.total()}});
  }
  j["layers"] = layers;
  json stats = json::object();
  for (const auto& s : r.stats.stats()) stats[s.name] = {{"value", s.value}, {"unit", s.unit}, {"description", s.description}};
  j["stats"] = stats;
  return j;
}

}  // namespace alwann::sim
