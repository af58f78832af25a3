#include "sim/CompareChart.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace alwann::sim {

namespace {
std::string change(double v, double base) {
  if (base == 0) return "-";
  return fmt::format("{:+.1f}%", 100 * (v - base) / base);
}
}  // namespace

std::string compare_table(const std::vector<ComparedRun>& runs) {
  if (runs.empty()) return "";
  std::string s = fmt::format("{:<60} {:>11} {:>8} {:>11} {:>8} {:>10} {:>8} {:>9} {:>8}\n", "configuration", "energy nJ",
                              "change", "mult nJ", "change", "cycles", "change", "accuracy", "change");
  const auto& b = runs.front().result;
  for (const auto& r : runs) {
    const auto& x = r.result;
    s += fmt::format("{:<60} {:>11.2f} {:>8} {:>11.2f} {:>8} {:>10} {:>8} {:>9} {:>8}\n", r.label.substr(0, 60),
                     x.energy.total() * 1e-3, change(x.energy.total(), b.energy.total()), x.multiply_energy_pj * 1e-3,
                     change(x.multiply_energy_pj, b.multiply_energy_pj), x.latency_cycles,
                     change(static_cast<double>(x.latency_cycles), static_cast<double>(b.latency_cycles)),
                     x.accuracy ? fmt::format("{:.2f}%", *x.accuracy) : "n/a",
                     x.accuracy && b.accuracy ? fmt::format("{:+.2f}pp", *x.accuracy - *b.accuracy) : "-");
  }
  s += "\nenergy by component (nJ per inference):\n";
  s += fmt::format("{:<60}", "configuration");
  for (const auto& [name, v] : b.energy.components()) s += fmt::format(" {:>13}", name);
  s += "\n";
  for (const auto& r : runs) {
    s += fmt::format("{:<60}", r.label.substr(0, 60));
    for (const auto& [name, v] : r.result.energy.components()) s += fmt::format(" {:>13.3f}", v * 1e-3);
    s += "\n";
  }
  return s;
}

std::string compare_csv(const std::vector<ComparedRun>& runs) {
  std::string s = "configuration,accelerator,mapping,energy_pj";
  if (runs.empty()) return s + "\n";
  for (const auto& [name, v] : runs.front().result.energy.components()) s += ",energy_" + name + "_pj";
  s += ",multiply_energy_pj,cycles,latency_s,throughput_ips,library_power_metric_mw,accuracy,energy_change,cycles_change,accuracy_change_pp\n";
  const auto& b = runs.front().result;
  for (const auto& r : runs) {
    const auto& x = r.result;
    // fmt's "{}" is the shortest text that reads back to the same double: full precision, no noise digits.
    s += fmt::format("{},{},{},{}", r.label, x.accelerator, x.mapping, x.energy.total());
    for (const auto& [name, v] : x.energy.components()) s += fmt::format(",{}", v);
    s += fmt::format(",{},{},{},{},{},{},{},{},{}\n", x.multiply_energy_pj, x.latency_cycles, x.latency_s,
                     x.throughput_ips, x.library_power_metric_mw ? fmt::format("{}", *x.library_power_metric_mw) : "",
                     x.accuracy ? fmt::format("{}", *x.accuracy) : "",
                     b.energy.total() ? (x.energy.total() - b.energy.total()) / b.energy.total() : 0.0,
                     b.latency_cycles ? static_cast<double>(x.latency_cycles - b.latency_cycles) / b.latency_cycles : 0.0,
                     x.accuracy && b.accuracy ? fmt::format("{}", *x.accuracy - *b.accuracy) : "");
  }
  return s;
}

PlotOutput energy_chart(const std::vector<ComparedRun>& runs) {
  // One row per configuration, one column per component (nJ): gnuplot stacks
  // the columns as histogram bars; configurations are numbered under the
  // bars and named in the title lines (long labels do not fit under bars).
  std::string data = "config";
  if (!runs.empty())
    for (const auto& [name, v] : runs.front().result.energy.components()) data += " " + name;
  data += "\n";
  std::string names;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    data += std::to_string(i + 1);
    for (const auto& [name, v] : runs[i].result.energy.components()) data += fmt::format(" {}", v * 1e-3);
    data += "\n";
    names += fmt::format("{}{}: {}", i ? "\\n" : "", i + 1, runs[i].label);
  }
  const std::size_t components = runs.empty() ? 0 : runs.front().result.energy.components().size();
  const std::string script = fmt::format(
      "set title {}\nset ylabel 'energy per inference (nJ)'\nset style data histograms\n"
      "set style histogram rowstacked\nset style fill solid 0.9 border -1\nset boxwidth 0.6\n"
      "set key outside right top\nset grid ytics\nset yrange [0:*]\nset xlabel {} noenhanced\n"
      "plot for [c=2:{}] 'energy.dat' using c:xtic(1) title columnheader(c)\n",
      gnuplot_quote("Energy per inference by component"), gnuplot_quote(names), components + 1);
  return render_plot(script, {{"energy.dat", data}}, 1000, 520 + 16 * static_cast<int>(runs.size()));
}

}  // namespace alwann::sim
