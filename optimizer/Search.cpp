#include "optimizer/Search.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include <pagmo/algorithms/nsga2.hpp>
#include <pagmo/population.hpp>

#include "common/Error.hpp"
#include "optimizer/PagmoAdapters.hpp"
#include "optimizer/ParetoFront.hpp"

namespace alwann::optimizer {

namespace {

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Each generation's algorithm seed: the search needs no RNG state in its checkpoints.
unsigned generation_seed(std::uint64_t seed, int generation) {
  return static_cast<unsigned>(splitmix(seed * 1000003ull + static_cast<std::uint64_t>(generation)) & 0xffffffffu);
}

}  // namespace

std::vector<double> normalised_objectives(const std::vector<double>& f, const Objectives& o) {
  std::vector<double> n = {f[0] / 100.0, f[1] / std::max(o.energy(o.exact()), 1e-12)};
  if (f.size() > 2) n.push_back(f[2] / std::max(1.0, static_cast<double>(o.exact().cycles)));
  return n;
}

std::vector<double> hypervolume_reference(const Objectives& o) {
  std::vector<double> r = {1.0, 2.0};
  if (o.count() > 2) r.push_back(2.0);
  return r;
}

Search::Search(std::shared_ptr<BatchFitnessFunction> fn, FitnessMemo& memo, SearchOptions o,
               std::function<double(const Candidate&)> uniform_energy)
    : fn_(std::move(fn)), memo_(memo), o_(std::move(o)), uniform_energy_(std::move(uniform_energy)) {
  if (o_.population < 8 || o_.population % 4 != 0)
    throw Error("--population " + std::to_string(o_.population) + ": must be a multiple of 4 and at least 8 (NSGA-II)");
  if (o_.generations < 1) throw Error("--generations " + std::to_string(o_.generations) + ": must be at least 1");
}

std::vector<std::vector<double>> Search::initial_population() {
  const SearchSpace& sp = fn_->space();
  const int n_mult = static_cast<int>(sp.multipliers().size());
  std::vector<int> chosen(static_cast<std::size_t>(n_mult));
  for (int i = 0; i < n_mult; ++i) chosen[static_cast<std::size_t>(i)] = i;
  // With more multipliers than the population, a quarter stays random; the
  // uniform ones are spread evenly over the library ordered by energy.
  const int room = n_mult <= o_.population ? n_mult : o_.population - o_.population / 4;
  if (n_mult > room) {
    std::vector<std::pair<double, int>> by_energy;
    for (int i = 0; i < n_mult; ++i)
      by_energy.emplace_back(uniform_energy_ ? uniform_energy_(sp.uniform(i)) : static_cast<double>(i), i);
    std::sort(by_energy.begin(), by_energy.end());
    chosen.clear();
    for (int j = 0; j < room; ++j)
      chosen.push_back(by_energy[static_cast<std::size_t>(static_cast<double>(j) * (n_mult - 1) / std::max(1, room - 1) + 0.5)].second);
  }
  std::vector<std::vector<double>> pop;
  for (int m : chosen) {
    // Every unit carries the multiplier (not only the used one), so that
    // crossover between two uniform parents can mix units.
    std::vector<double> x = sp.encode(sp.uniform(m));
    for (int u = 0; u < sp.units(); ++u) x[static_cast<std::size_t>(u)] = m;
    pop.push_back(x);
    uniform_keys_.push_back(sp.key(sp.decode(x)));
  }
  const auto [lo, hi] = sp.bounds();
  std::uint64_t state = splitmix(o_.seed ^ 0x5eed5eed5eedull);
  while (static_cast<int>(pop.size()) < o_.population) {
    std::vector<double> x(lo.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      state = splitmix(state);
      const auto span = static_cast<std::uint64_t>(hi[i] - lo[i] + 1);
      x[i] = lo[i] + static_cast<double>(state % span);
    }
    pop.push_back(x);
  }
  return pop;
}

GenerationRecord Search::record(int generation, double seconds) {
  const BatchCounts c = fn_->take_counts();
  GenerationRecord r;
  r.generation = generation;
  r.evaluated = c.evaluated;
  r.from_memo = c.from_memo;
  r.total_evaluated = memo_.entries().size();
  r.seconds = seconds;
  if (cache_stats_) {
    const CacheStats cs = cache_stats_();
    r.cache_hit_rate = cs.hit_rate();
    r.cache_skipped_share = cs.skipped_share();
  }
  elapsed_ += seconds;
  r.elapsed_seconds = elapsed_;
  const Objectives& o = fn_->objectives();
  std::vector<std::vector<double>> pts;
  r.best_error = 100.0;
  r.lowest_energy = std::numeric_limits<double>::infinity();
  for (const auto& [key, e] : memo_.entries()) {
    if (!o.feasible(e.result)) continue;
    const auto f = o.fitness(e.result);
    pts.push_back(normalised_objectives(f, o));
    r.best_error = std::min(r.best_error, f[0]);
    r.lowest_energy = std::min(r.lowest_energy, f[1]);
  }
  if (pts.empty()) r.lowest_energy = 0;
  std::vector<std::vector<double>> front;
  for (std::size_t i : non_dominated(pts)) front.push_back(pts[i]);
  r.hypervolume = hypervolume(front, hypervolume_reference(o));
  return r;
}

RejectionReference Search::rejection_reference() const {
  const Objectives& o = fn_->objectives();
  RejectionReference ref;
  ref.margin_pp = *o_.reject_margin_pp;
  ref.energy = o.options().energy;
  ref.latency = o.options().latency;
  std::vector<std::vector<double>> pts;
  for (const auto& [key, e] : memo_.entries())
    if (o.feasible(e.result)) pts.push_back(o.fitness(e.result));
  for (std::size_t i : non_dominated(pts)) ref.front.push_back(pts[i]);
  return ref;
}

void Search::checkpoint(int generation) const {
  if (o_.checkpoint_path.empty()) return;
  Checkpoint c;
  c.fingerprint = o_.fingerprint;
  c.generation = generation;
  c.population = population_;
  c.memo = memo_.to_json();
  c.history = history_;
  c.save(o_.checkpoint_path);
}

void Search::run(const Progress& progress, const std::optional<Checkpoint>& resume) {
  using clock = std::chrono::steady_clock;
  pagmo::problem prob{SearchProblem{fn_}};
  int first = 0;
  if (resume) {
    population_ = resume->population;
    history_ = resume->history;
    elapsed_ = history_.empty() ? 0.0 : history_.back().elapsed_seconds;
    first = resume->generation + 1;
    // The uniform configurations are the first members of generation 0 by construction.
    initial_population();
  } else {
    const auto t0 = clock::now();
    fn_->set_generation(0);
    population_ = initial_population();
    std::vector<double> dvs;
    for (const auto& x : population_) dvs.insert(dvs.end(), x.begin(), x.end());
    SearchBatchEvaluator{fn_}(prob, dvs);
    history_.push_back(record(0, std::chrono::duration<double>(clock::now() - t0).count()));
    checkpoint(0);
    if (progress) progress(history_.back(), o_.generations);
    first = 1;
  }
  const double mutation = o_.mutation > 0 ? o_.mutation : 1.0 / static_cast<double>(fn_->space().genes());
  for (int g = first; g <= o_.generations; ++g) {
    const auto t0 = clock::now();
    fn_->set_generation(g);
    // Fitness of the current population comes from the memo: no evaluation.
    pagmo::population pop(prob, 0u, 0u);
    for (const auto& x : population_) pop.push_back(x, (*fn_)({x}).at(0));
    fn_->take_counts();
    // From the archive as it stands before this generation: the same for any
    // thread count, rank layout or resume.
    if (o_.reject_margin_pp) fn_->set_reference(rejection_reference());
    pagmo::nsga2 algo(1u, o_.crossover, o_.eta_c, mutation, o_.eta_m, generation_seed(o_.seed, g));
    algo.set_bfe(pagmo::bfe{SearchBatchEvaluator{fn_}});
    pop = algo.evolve(pop);
    population_ = pop.get_x();
    history_.push_back(record(g, std::chrono::duration<double>(clock::now() - t0).count()));
    checkpoint(g);
    if (progress) progress(history_.back(), o_.generations);
  }
}

std::vector<std::string> Search::front_keys() const {
  const Objectives& o = fn_->objectives();
  std::vector<std::string> keys;
  std::vector<std::vector<double>> pts;
  for (const auto& [key, e] : memo_.entries())
    if (o.feasible(e.result)) {
      keys.push_back(key);
      pts.push_back(o.fitness(e.result));
    }
  std::vector<std::pair<double, std::string>> front;
  for (std::size_t i : non_dominated(pts)) front.emplace_back(pts[i][1], keys[i]);
  std::sort(front.begin(), front.end());
  std::vector<std::string> out;
  for (const auto& f : front) out.push_back(f.second);
  return out;
}

}  // namespace alwann::optimizer
