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
    s += fmt::format("{},{},{},{:.6g}", r.label, x.accelerator, x.mapping, x.energy.total());
    for (const auto& [name, v] : x.energy.components()) s += fmt::format(",{:.6g}", v);
    s += fmt::format(",{:.6g},{},{:.6g},{:.6g},{},{},{:.6g},{:.6g},{}\n", x.multiply_energy_pj, x.latency_cycles, x.latency_s,
                     x.throughput_ips, x.library_power_metric_mw ? fmt::format("{:.6g}", *x.library_power_metric_mw) : "",
                     x.accuracy ? fmt::format("{:.4f}", *x.accuracy) : "",
                     b.energy.total() ? (x.energy.total() - b.energy.total()) / b.energy.total() : 0.0,
                     b.latency_cycles ? static_cast<double>(x.latency_cycles - b.latency_cycles) / b.latency_cycles : 0.0,
                     x.accuracy && b.accuracy ? fmt::format("{:.4f}", *x.accuracy - *b.accuracy) : "");
  }
  return s;
}

std::string energy_chart_svg(const std::vector<ComparedRun>& runs) {
  static const char* colors[] = {"#d62728", "#ff7f0e", "#bcbd22", "#17becf", "#2ca02c", "#1f77b4", "#9467bd", "#8c564b", "#7f7f7f"};
  const int bar = 46, gap = 24, left = 70, top = 40, height = 320, legend = 150;
  std::size_t longest = 0;
  for (const auto& r : runs) longest = std::max(longest, r.label.size());
  const int plot_right = left + static_cast<int>(runs.size()) * (bar + gap) + gap;
  // Bars carry their number; the configurations are listed below the plot
  // (no rotated text: renderers disagree on it).
  const int label_px = 20 + 16 * static_cast<int>(runs.size());
  const int width = std::max(plot_right + legend, left + 30 + static_cast<int>(static_cast<double>(longest) * 6.5));
  double max_e = 0;
  for (const auto& r : runs) max_e = std::max(max_e, r.result.energy.total());
  if (max_e <= 0) max_e = 1;
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" font-family=\"sans-serif\" font-size=\"11\">\n"
      "<text x=\"{}\" y=\"20\" font-size=\"14\">Energy per inference by component (nJ)</text>\n",
      width, top + height + label_px + 40, left);
  s += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"black\"/>\n", left, top, left, top + height);
  for (int i = 0; i <= 4; ++i) {
    const double v = max_e * i / 4;
    const int y = top + height - static_cast<int>(height * i / 4.0);
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{:.1f}</text>\n", left - 4, y + 4, v * 1e-3);
    s += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#ddd\"/>\n", left, y, plot_right, y);
  }
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const int x = left + gap + static_cast<int>(i) * (bar + gap);
    double y = top + height;
    int c = 0;
    for (const auto& [name, v] : runs[i].result.energy.components()) {
      const double h = height * v / max_e;
      y -= h;
      s += fmt::format("<rect x=\"{}\" y=\"{:.2f}\" width=\"{}\" height=\"{:.2f}\" fill=\"{}\"><title>{}: {:.1f} pJ</title></rect>\n",
                       x, y, bar, h, colors[c++ % 9], name, v);
    }
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", x + bar / 2, top + height + 14, i + 1);
    s += fmt::format("<text x=\"{}\" y=\"{}\">{}: {}</text>\n", left, top + height + 40 + 16 * static_cast<int>(i), i + 1,
                     runs[i].label);
  }
  int c = 0;
  if (!runs.empty())
    for (const auto& [name, v] : runs.front().result.energy.components()) {
      const int y = top + 10 + c * 18;
      s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>\n",
                       plot_right + 10, y, colors[c % 9], plot_right + 28, y + 10, name);
      ++c;
    }
  return s + "</svg>\n";
}

}  // namespace alwann::sim
