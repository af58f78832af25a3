#include "optimizer/SearchOracle.hpp"

#include <algorithm>
#include <cmath>

#include "sim/EnergyModel.hpp"


namespace alwann::optimizer {

namespace {
std::string exact_name(bool is_signed) { return is_signed ? "mul8s_exact" : "mul8u_exact"; }
}  // namespace

SearchOracle::SearchOracle(sim::ModelSimulation& model, mapping::AcceleratorConfig acc, const SearchSpace& space,
                           nn::Tune tune, std::size_t cache_bytes, int threads)
    : model_(model),
      acc_(std::move(acc)),
      space_(space),
      exact_space_(acc_, model.work(), {exact_name(model.prepared().quantized()->is_signed())}),
      tune_(tune),
      threads_(std::max(1, threads)),
      cache_(std::make_unique<ActivationCache>(model.prepared().quantized(), model.prepared().validation(), cache_bytes,
                                               threads)) {}

CandidateResult SearchOracle::simulate(const SearchSpace& sp, const Candidate& c,
                                       std::vector<nn::LayerMultiplier>* multipliers,
                                       sim::ModelSimulation::PreparedRun* prepared) {
  auto p = prepared ? std::move(*prepared) : model_.prepare(acc_, sp.mapping(c, "candidate"), tune_);
  const sim::SimResult r = sim::simulate(p.setup, sim::SimOptions{}, &model_.energy_cache());
  CandidateResult out;
  out.energy_multiply_pj = r.energy.multiply;
  out.energy_total_pj = r.energy.total();
  out.library_power_mw = r.library_power_metric_mw;
  out.cycles = r.cycles;
  out.latency_cycles = r.latency_cycles;
  out.breakdown = r.energy.components();
  if (multipliers) *multipliers = std::move(p.multipliers);
  return out;
}

CandidateResult SearchOracle::evaluate_in(const SearchSpace& sp, const Candidate& c, const std::vector<int>* keep,
                                          sim::ModelSimulation::PreparedRun* prepared) {
  std::vector<nn::LayerMultiplier> m;
  CandidateResult r = simulate(sp, c, &m, prepared);
  const std::size_t n = cache_->images();
  std::size_t max_wrong = static_cast<std::size_t>(-1);
  if (&sp == &space_) {
    max_wrong = max_wrong_;
    if (reference_) max_wrong = std::min(max_wrong, dominated_after_wrong(*reference_, r, n));
  }
  const auto o = cache_->classify(m, max_wrong, keep, keep_all_);
  // Stopped early (certainly infeasible or dominated): every image not run
  // counts as right, an upper bound.
  const std::size_t right = o.correct + (n - o.evaluated);
  r.accuracy_validation = n ? 100.0 * static_cast<double>(right) / static_cast<double>(n) : 0.0;
  r.stopped_early = o.stopped;
  return r;
}

void SearchOracle::set_rejection(double exact_accuracy, double max_loss_pp) {
  const double n = static_cast<double>(cache_->images());
  max_wrong_ = static_cast<std::size_t>(std::floor(n * (1.0 - (exact_accuracy - max_loss_pp) / 100.0) + 1e-9));
}

std::vector<int> multiplier_sequence(const Candidate& c) {
  std::vector<int> s;
  for (int u : c.layer_unit) s.push_back(c.unit_multiplier[static_cast<std::size_t>(u)]);
  return s;
}

std::vector<std::size_t> prefix_order(const std::vector<Candidate>& batch) {
  std::vector<std::vector<int>> seq;
  for (const auto& c : batch) seq.push_back(multiplier_sequence(c));
  std::vector<std::size_t> order(batch.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return seq[a] < seq[b]; });
  return order;
}

std::vector<std::vector<int>> frontiers_to_keep(const std::vector<std::vector<int>>& seq) {
  std::vector<std::vector<int>> out(seq.size());
  for (std::size_t k = 0; k < seq.size(); ++k)
    for (std::size_t j = k + 1; j < seq.size(); ++j) {
      const auto lcp = static_cast<int>(std::mismatch(seq[k].begin(), seq[k].end(), seq[j].begin()).first - seq[k].begin());
      if (lcp == 0) break;  // sorted: no later candidate shares more
      if (std::find(out[k].begin(), out[k].end(), lcp) == out[k].end()) out[k].push_back(lcp);
    }
  return out;
}

std::vector<CandidateResult> SearchOracle::evaluate(const std::vector<Candidate>& batch) {
  // In order of the layers' multiplier sequences, so that candidates sharing
  // a prefix run one after another (the activation cache keeps it); results
  // do not depend on the order.
  const std::vector<std::size_t> order = prefix_order(batch);
  std::vector<Candidate> sorted;
  std::vector<std::vector<int>> seq;
  for (std::size_t i : order) {
    sorted.push_back(batch[i]);
    seq.push_back(multiplier_sequence(batch[i]));
  }
  const auto res = evaluate_keeping(sorted, frontiers_to_keep(seq));
  std::vector<CandidateResult> out(batch.size());
  for (std::size_t k = 0; k < order.size(); ++k) out[order[k]] = res[k];
  return out;
}

std::vector<CandidateResult> SearchOracle::evaluate_keeping(const std::vector<Candidate>& cands,
                                                          const std::vector<std::vector<int>>& keep) {
  // The toggle counting of every candidate's new layers first, on all
  // threads (SystemC then simulates the candidates one at a time).
  std::vector<sim::ModelSimulation::PreparedRun> runs;
  std::vector<const sim::SimulationSetup*> setups;
  for (const auto& c : cands) runs.push_back(model_.prepare(acc_, space_.mapping(c, "candidate"), tune_));
  for (const auto& r : runs) setups.push_back(&r.setup);
  sim::warm_multiply_energy(setups, sim::SimOptions{}, model_.energy_cache(), threads_);
  std::vector<CandidateResult> out;
  for (std::size_t k = 0; k < cands.size(); ++k)
    out.push_back(evaluate_in(space_, cands[k], &keep.at(k), &runs[k]));
  return out;
}

double SearchOracle::test_accuracy_in(const SearchSpace& sp, const Candidate& c) {
  auto p = model_.prepare(acc_, sp.mapping(c, "candidate"), tune_);
  return model_.prepared().accuracy(p.multipliers);
}

}  // namespace alwann::optimizer
