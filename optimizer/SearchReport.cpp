#include "optimizer/SearchReport.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/Plot.hpp"
#include "optimizer/ParetoFront.hpp"

namespace alwann::optimizer {

namespace {

double chosen_energy(const CandidateResult& r, const std::string& objective) {
  if (objective == "total") return r.energy_total_pj;
  if (objective == "library-power") return r.library_power_mw.value_or(0.0);
  return r.energy_multiply_pj;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string opt(const std::optional<double>& v, const char* f = "{:.1f}") {
  return v ? fmt::format(fmt::runtime(f), *v) : std::string("-");
}

}  // namespace

nlohmann::json to_json(const ReportedPoint& p, const std::string& energy_objective) {
  nlohmann::json j = to_json(p.result);
  j["accuracy_test"] = p.accuracy_test;
  j["energy"] = chosen_energy(p.result, energy_objective);
  j["multipliers"] = p.multipliers;
  j["layers"] = p.layers;
  j["mapping"] = p.mapping;
  j["non_dominated_on_test"] = p.non_dominated_on_test;
  return j;
}

void SearchReport::finish(const Objectives& o) {
  std::vector<std::vector<double>> pts;
  for (const auto& p : front) pts.push_back({100.0 - p.accuracy_test, o.energy(p.result)});
  for (auto& p : front) p.non_dominated_on_test = false;
  for (std::size_t i : non_dominated(pts)) front[i].non_dominated_on_test = true;
  const double e_exact = o.energy(exact.result);
  auto lowest = [&](const std::vector<ReportedPoint>& set, double loss) -> std::optional<double> {
    std::optional<double> best;
    for (const auto& p : set)
      if (exact.accuracy_test - p.accuracy_test <= loss + 1e-9 && (!best || o.energy(p.result) < *best))
        best = o.energy(p.result);
    return best;
  };
  auto saving = [&](const std::optional<double>& e) -> std::optional<double> {
    if (!e || e_exact <= 0) return std::nullopt;
    return 100.0 * (1.0 - *e / e_exact);
  };
  thresholds.clear();
  for (double loss : {0.5, 0.6, 1.0, 2.0}) {  // 0.6: the paper's ResNet-50 point
    Threshold t;
    t.loss_pp = loss;
    t.layerwise_energy = lowest(front, loss);
    t.uniform_energy = lowest(uniform, loss);
    t.layerwise_saving_pct = saving(t.layerwise_energy);
    t.uniform_saving_pct = saving(t.uniform_energy);
    thresholds.push_back(t);
  }
  // The paper's comparison point: the lowest energy within 1 pp of the exact
  // network on the test images; failing that, the most accurate.
  auto pick = [&](const std::vector<ReportedPoint>& set) -> std::optional<ReportedPoint> {
    std::optional<ReportedPoint> best, most_accurate;
    for (const auto& p : set) {
      if (exact.accuracy_test - p.accuracy_test <= 1.0 + 1e-9 && (!best || o.energy(p.result) < o.energy(best->result)))
        best = p;
      if (!most_accurate || p.accuracy_test > most_accurate->accuracy_test) most_accurate = p;
    }
    return best ? best : most_accurate;
  };
  best_uniform = pick(uniform);
  chosen = pick(front);
}

std::size_t SearchReport::non_dominated_on_test() const {
  return static_cast<std::size_t>(std::count_if(front.begin(), front.end(), [](const auto& p) { return p.non_dominated_on_test; }));
}

std::string SearchReport::front_csv() const {
  std::string s =
      "point,accuracy_validation,accuracy_test,energy,energy_multiply_pj,energy_total_pj,library_power_mw,cycles,"
      "latency_cycles,non_dominated_on_test,multipliers,layers,mapping\n";
  for (std::size_t i = 0; i < front.size(); ++i) {
    const auto& p = front[i];
    s += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{}\n", i, p.result.accuracy_validation, p.accuracy_test,
                     chosen_energy(p.result, energy_objective), p.result.energy_multiply_pj, p.result.energy_total_pj,
                     p.result.library_power_mw ? fmt::format("{}", *p.result.library_power_mw) : std::string(),
                     p.result.cycles, p.result.latency_cycles, p.non_dominated_on_test ? 1 : 0,
                     csv_field(p.multipliers_text), csv_field(p.layers_text), csv_field(p.mapping));
  }
  return s;
}

nlohmann::json SearchReport::front_json() const {
  nlohmann::json pts = nlohmann::json::array();
  for (const auto& p : front) pts.push_back(to_json(p, energy_objective));
  return {{"energy_objective", energy_objective}, {"energy_unit", energy_unit},
          {"validation_images", validation_images}, {"test_images", test_images},
          {"non_dominated_on_test", non_dominated_on_test()}, {"front", pts}};
}

nlohmann::json SearchReport::summary_json() const {
  nlohmann::json t = nlohmann::json::array();
  auto num = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
  for (const auto& x : thresholds)
    t.push_back({{"loss_pp", x.loss_pp},
                 {"layerwise_saving_pct", num(x.layerwise_saving_pct)},
                 {"uniform_saving_pct", num(x.uniform_saving_pct)},
                 {"layerwise_energy", num(x.layerwise_energy)},
                 {"uniform_energy", num(x.uniform_energy)}});
  return {{"energy_objective", energy_objective},
          {"energy_unit", energy_unit},
          {"validation_images", validation_images},
          {"test_images", test_images},
          {"exact", to_json(exact, energy_objective)},
          {"best_uniform", best_uniform ? to_json(*best_uniform, energy_objective) : nlohmann::json()},
          {"chosen", chosen ? to_json(*chosen, energy_objective) : nlohmann::json()},
          {"front_points", front.size()},
          {"non_dominated_on_test", non_dominated_on_test()},
          {"thresholds", t},
          {"evaluations", history.empty() ? 0 : history.back().total_evaluated},
          {"search_seconds", history.empty() ? 0.0 : history.back().elapsed_seconds},
          {"options", options}};
}

std::string SearchReport::history_csv() const {
  std::string s =
      "generation,evaluated,from_memo,total_evaluated,hypervolume,best_error,lowest_energy,seconds,elapsed_seconds,"
      "cache_hit_rate,cache_skipped_share\n";
  for (const auto& r : history)
    s += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", r.generation, r.evaluated, r.from_memo, r.total_evaluated,
                     r.hypervolume, r.best_error, r.lowest_energy, r.seconds, r.elapsed_seconds, r.cache_hit_rate,
                     r.cache_skipped_share);
  return s;
}

std::string SearchReport::summary_table() const {
  const double e_exact = chosen_energy(exact.result, energy_objective);
  std::string s = fmt::format("front: {} points ({} stay non-dominated on the {} test images)\n", front.size(),
                              non_dominated_on_test(), test_images);
  s += fmt::format("{:>3}  {:>8}  {:>8}  {:>12}  {:>7}  {}\n", "#", "val %", "test %", "energy " + energy_unit,
                   "saving", "multipliers | layers");
  for (std::size_t i = 0; i < front.size(); ++i) {
    const auto& p = front[i];
    const double e = chosen_energy(p.result, energy_objective);
    s += fmt::format("{:>3}  {:>8.2f}  {:>8.2f}  {:>12.4g}  {:>6.1f}%  {} | {}\n", i, p.result.accuracy_validation,
                     p.accuracy_test, e, e_exact > 0 ? 100.0 * (1 - e / e_exact) : 0.0, p.multipliers_text, p.layers_text);
  }
  s += fmt::format("\nexact 8-bit: test {:.2f} %, {} energy {:.4g} {}\n", exact.accuracy_test, energy_objective, e_exact,
                   energy_unit);
  if (best_uniform)
    s += fmt::format("best uniform (lowest energy within 1 pp, else most accurate): {} test {:.2f} %, saving {:.1f} %\n",
                     best_uniform->multipliers.empty() ? "" : best_uniform->multipliers[0], best_uniform->accuracy_test,
                     100.0 * (1 - chosen_energy(best_uniform->result, energy_objective) / e_exact));
  s += fmt::format("\n{:>14}  {:>22}  {:>22}\n", "loss (test)", "layer-wise saving", "uniform saving");
  for (const auto& t : thresholds)
    s += fmt::format("{:>11.1f} pp  {:>21} %  {:>21} %\n", t.loss_pp, opt(t.layerwise_saving_pct),
                     opt(t.uniform_saving_pct));
  return s;
}

std::map<std::string, std::string> SearchReport::chart_data() const {
  const double e_exact = chosen_energy(exact.result, energy_objective);
  auto rel = [&](const ReportedPoint& p) { return 100.0 * chosen_energy(p.result, energy_objective) / e_exact; };
  // The step line joins the points that stay non-dominated on the test set
  // (test accuracy and energy then rise together); every front point is a dot.
  std::vector<std::pair<double, double>> line;
  std::string points_dat, line_dat, uniform_dat;
  for (const auto& p : front) {
    points_dat += fmt::format("{} {}\n", p.accuracy_test, rel(p));
    if (p.non_dominated_on_test) line.emplace_back(p.accuracy_test, rel(p));
  }
  std::sort(line.begin(), line.end());
  for (const auto& [acc, e] : line) line_dat += fmt::format("{} {}\n", acc, e);
  for (const auto& p : uniform) uniform_dat += fmt::format("{} {}\n", p.accuracy_test, rel(p));
  return {{"front.dat", points_dat},
          {"front_line.dat", line_dat},
          {"uniform.dat", uniform_dat},
          {"exact.dat", fmt::format("{} 100\n", exact.accuracy_test)}};
}

std::string SearchReport::chart_script() const {
  // Zoom on the front: uniform configurations far below it are left out of view.
  double lo = exact.accuracy_test;
  for (const auto& p : front) lo = std::min(lo, p.accuracy_test);
  const double x0 = std::max(0.0, std::floor(lo - 5.0)), x1 = std::min(100.0, std::ceil(exact.accuracy_test + 2.0));
  return fmt::format(
      "set title {}\nset xlabel 'top-1 accuracy on {} test images (%)'\n"
      "set ylabel '{} energy relative to exact (%)'\nset grid\nset key left top\nset xrange [{}:{}]\n"
      "set yrange [0:*]\n"
      "plot 'front_line.dat' using 1:2 with steps lw 2 lc rgb '#1f77b4' title 'layer-wise front', "
      "'front.dat' using 1:2 with points pt 7 ps 0.9 lc rgb '#1f77b4' notitle, "
      "'uniform.dat' using 1:2 with points pt 6 ps 1.3 lc rgb '#ff7f0e' title 'uniform', "
      "'exact.dat' using 1:2 with points pt 5 ps 1.6 lc rgb '#d62728' title 'exact 8-bit'",
      gnuplot_quote("alwann optimize: accuracy vs energy"), test_images,
      energy_objective == "library-power" ? "library power" : energy_objective, x0, x1);
}

}  // namespace alwann::optimizer
