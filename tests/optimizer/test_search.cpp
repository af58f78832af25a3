// The search on ResNet-8 with few images: the activation cache is bit-exact,
// the front is the same at any thread count and after a resume, and the
// front, generation 0 and the hypervolume history have their properties.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <random>
#include <set>

#include "optimizer/ParetoFront.hpp"
#include "optimizer/Search.hpp"
#include "optimizer/SearchOracle.hpp"
#include "rtl/MultiplierLibrary.hpp"

using namespace alwann;
using namespace alwann::optimizer;

namespace {

const std::string kSource = ALWANN_SOURCE_DIR;

sim::ModelSimulation resnet8(int test_images, int search_images) {
  nn::EvaluationSetup s;
  s.model_path = kSource + "/models/resnet8.onnx";
  s.images = test_images;
  s.validation_images = search_images;
  s.threads = 2;
  return sim::ModelSimulation(s);
}

sim::ModelSimulation& model() {
  static sim::ModelSimulation m = resnet8(48, 80);
  return m;
}

const mapping::AcceleratorConfig& accelerator() {
  static const auto a = mapping::AcceleratorConfig::load(kSource + "/configs/accelerators/tile_array_2x16.yaml");
  return a;
}

std::vector<std::string> multipliers() {
  return {"mul8u_exact", "mul8u_trunc2", "mul8u_vct5", "mul8u_vct7", "mul8u_vct9", "mul8u_trunc8"};
}

// Every approximable layer of model() on multipliers()[all], the last one on multipliers()[last].
std::vector<nn::LayerMultiplier> uniform_config(std::size_t all, std::size_t last) {
  const auto& net = model().network();
  const auto names = multipliers();
  auto& lib = rtl::MultiplierLibrary::instance();
  std::vector<nn::LayerMultiplier> lm(net.layers().size());
  for (int id : net.approximable_layers()) lm[static_cast<std::size_t>(id)].table = lib.table(names[all]);
  lm[static_cast<std::size_t>(net.approximable_layers().back())].table = lib.table(names[last]);
  return lm;
}

// (images run, misclassified) under `lm` at every batch boundary of the
// hardest-first order of model()'s search images: where the cache's checks fall.
std::vector<std::pair<std::size_t, std::size_t>> counts_at_checks(const std::vector<nn::LayerMultiplier>& lm) {
  auto& m = model();
  const auto& val = m.prepared().validation();
  const auto classes = nn::IntegerEngine(m.prepared().quantized(), lm).classify(val.codes, 2);
  std::vector<std::pair<std::size_t, std::size_t>> out;
  std::size_t wrong = 0, run = 0;
  for (std::size_t i : hardest_first(m.prepared().quantized(), val, 2)) {
    wrong += classes[i] != static_cast<int>(val.labels[i]);
    if (++run % nn::IntegerEngine::kDefaultBatch == 0 || run == val.size()) out.emplace_back(run, wrong);
  }
  return out;
}

struct Run {
  std::vector<std::vector<double>> population;
  std::map<std::string, std::string> memo;  // key -> result JSON
  std::vector<std::string> front;
  std::vector<GenerationRecord> history;
  std::vector<std::string> uniform;
};

Run search(int threads, int generations, const std::string& checkpoint = "", const std::optional<Checkpoint>& resume = {}) {
  const SearchSpace space(accelerator(), model().work(), multipliers());
  SearchOracle oracle(model(), accelerator(), space, nn::Tune::Alwann, std::size_t{256} << 20, threads);
  const Objectives obj(ObjectiveOptions{}, oracle.evaluate_exact());
  FitnessMemo memo = resume ? FitnessMemo::from_json(resume->memo, space) : FitnessMemo();
  auto fn = std::make_shared<BatchFitnessFunction>(space, oracle, obj, memo);
  SearchOptions o;
  o.population = 8;
  o.generations = generations;
  o.seed = 7;
  o.checkpoint_path = checkpoint;
  o.fingerprint = {{"test", 1}};
  Search s(fn, memo, o);
  s.run({}, resume);
  Run r;
  r.population = s.population();
  for (const auto& [k, e] : memo.entries()) r.memo[k] = to_json(e.result).dump();
  r.front = s.front_keys();
  r.history = s.history();
  r.uniform = s.uniform_keys();
  return r;
}

}  // namespace

TEST_CASE("activation cache: cached evaluations equal the plain engine bit for bit", "[optimizer]") {
  auto& m = model();
  const auto& val = m.prepared().validation();
  const auto& net = m.network();
  auto& lib = rtl::MultiplierLibrary::instance();
  std::vector<int> approx;
  for (const auto& l : net.layers())
    if (l.approximable) approx.push_back(l.id);
  const auto names = multipliers();
  std::mt19937 rng(3);
  // Budgets: off, tiny (evicts constantly), ample.
  for (std::size_t budget : {std::size_t{0}, std::size_t{1} << 20, std::size_t{256} << 20}) {
    ActivationCache cache(m.prepared().quantized(), val, budget, 2);
    std::vector<int> seq(approx.size(), 0);
    for (int trial = 0; trial < 12; ++trial) {
      // Neighbours: change a suffix, so prefixes repeat.
      const std::size_t from = rng() % approx.size();
      for (std::size_t i = from; i < seq.size(); ++i) seq[i] = static_cast<int>(rng() % names.size());
      std::vector<nn::LayerMultiplier> lm(net.layers().size());
      for (std::size_t i = 0; i < approx.size(); ++i) {
        auto& x = lm[static_cast<std::size_t>(approx[i])];
        x.table = lib.table(names[static_cast<std::size_t>(seq[i])]);
        if (trial % 2) x.weight_remap = nn::alwann_weight_remap(*x.table);
      }
      const std::vector<int> classes = nn::IntegerEngine(m.prepared().quantized(), lm).classify(val.codes, 1);
      std::size_t right = 0;
      for (std::size_t i = 0; i < classes.size(); ++i) right += static_cast<std::size_t>(classes[i]) == val.labels[i];
      // Early rejection after 3 misclassified images, before or after the
      // full run: a stopped run saves the batches it ran, so the full run
      // after it restarts its first batches deeper than the rest.
      auto early = [&] {
        const auto o = cache.classify(lm, 3);
        if (o.stopped) {
          CHECK(o.evaluated - o.correct > 3);
          CHECK(o.evaluated < val.size());
        } else {
          CHECK(o.correct == right);
        }
      };
      if (trial % 3 == 0) early();
      CHECK(cache.correct(lm) == right);
      if (trial % 3 != 0) early();
    }
    if (budget >= (std::size_t{256} << 20)) CHECK(cache.stats().hits > 0);
    if (budget == (std::size_t{1} << 20)) CHECK(cache.stats().bytes <= budget);
  }
}

TEST_CASE("activation cache: a repeated configuration is answered from its record as a fresh run would be",
          "[optimizer]") {
  // Accuracy depends only on the multipliers per layer; the record of an
  // earlier run (complete, or stopped early under another max_wrong) must
  // give exactly the outcome of a fresh run for every max_wrong, and a run
  // that must go further than the record runs.
  auto& m = model();
  const auto& val = m.prepared().validation();
  const auto& net = m.network();
  auto& lib = rtl::MultiplierLibrary::instance();
  const auto names = multipliers();
  std::mt19937 rng(9);
  for (int config = 0; config < 3; ++config) {
    std::vector<nn::LayerMultiplier> lm(net.layers().size());
    for (int id : net.approximable_layers()) {
      auto& x = lm[static_cast<std::size_t>(id)];
      x.table = lib.table(names[3 + rng() % 3]);  // aggressive ones: some checks stop
      x.weight_remap = nn::alwann_weight_remap(*x.table);
    }
    // The misclassification count at every batch boundary a check can fall
    // on (images run hardest first), and one either side: the thresholds
    // where a stop starts or ends.
    std::set<std::size_t> ts = {static_cast<std::size_t>(-1)};
    for (const auto& [run, wrong] : counts_at_checks(lm)) ts.insert({wrong, wrong + 1, wrong > 0 ? wrong - 1 : 0});
    const std::vector<std::size_t> thresholds(ts.begin(), ts.end());
    ActivationCache shared(m.prepared().quantized(), val, std::size_t{64} << 20, 2);
    shared.classify(lm, config == 0 ? 0 : config == 1 ? 3 : static_cast<std::size_t>(-1));  // the first record
    std::vector<std::size_t> order = thresholds;
    std::shuffle(order.begin(), order.end(), rng);
    for (std::size_t t : order) {
      ActivationCache fresh(m.prepared().quantized(), val, 0, 2);
      const auto want = fresh.classify(lm, t), got = shared.classify(lm, t);
      INFO("configuration " << config << " max_wrong " << t);
      CHECK(got.correct == want.correct);
      CHECK(got.evaluated == want.evaluated);
      CHECK(got.stopped == want.stopped);
    }
    CHECK(shared.stats().repeats >= thresholds.size() - 2);
  }
}

TEST_CASE("activation cache: frontiers no later candidate is known to need never evict those it is",
          "[optimizer]") {
  auto& m = model();
  const auto& val = m.prepared().validation();
  const auto approx = m.network().approximable_layers();
  const auto a = uniform_config(1, 1), b = uniform_config(2, 2), c = uniform_config(3, 3), b2 = uniform_config(2, 4);
  const std::vector<int> none;  // no later candidate known: every frontier cold
  // The budget holds exactly one configuration's frontiers (all the same size).
  ActivationCache sizing(m.prepared().quantized(), val, std::size_t{1} << 30, 1);
  sizing.classify(a);
  const std::size_t budget = sizing.stats().bytes;
  REQUIRE(budget > 0);
  ActivationCache cache(m.prepared().quantized(), val, budget, 1);
  cache.classify(a, static_cast<std::size_t>(-1), &none, false);
  CHECK(cache.stats().bytes == 0);  // cold frontiers not kept without keep_others
  cache.classify(a, static_cast<std::size_t>(-1), &none, true);  // a's record is complete: answered, nothing run
  CHECK(cache.stats().bytes == 0);
  cache.classify(uniform_config(1, 5), static_cast<std::size_t>(-1), &none, true);  // runs; its frontiers fill the budget, cold
  CHECK(cache.stats().bytes == budget);
  cache.classify(b);  // hot: takes the place of the cold ones
  const auto after_b = cache.stats();
  CHECK(after_b.bytes == budget);
  CHECK(after_b.evictions > 0);
  cache.classify(c, static_cast<std::size_t>(-1), &none, true);  // cold: no room, and none taken from b
  const auto after_c = cache.stats();
  CHECK(after_c.bytes == budget);
  CHECK(after_c.evictions == after_b.evictions);
  cache.classify(b2);  // restarts every batch at b's deepest cut
  const auto after_b2 = cache.stats();
  const std::size_t batches = (val.size() + nn::IntegerEngine::kDefaultBatch - 1) / nn::IntegerEngine::kDefaultBatch;
  CHECK(after_b2.hits == after_c.hits + 1);
  CHECK(after_b2.layers_skipped - after_c.layers_skipped == (approx.size() - 1) * batches);
}

TEST_CASE("activation cache: a run stops at the first batch whose check fails - at any thread count",
          "[optimizer]") {
  // The checks follow every batch of 16 images (hardest first), whatever the
  // threads run per chunk; the expected stop is worked out here from the
  // engine's own classes.
  auto& m = model();
  const auto& val = m.prepared().validation();
  const auto lm = uniform_config(4, 4);
  const auto checks = counts_at_checks(lm);
  for (std::size_t max_wrong : {std::size_t{0}, std::size_t{2}, std::size_t{5}, std::size_t{9}, std::size_t{40}}) {
    ActivationCache::Outcome want;
    for (const auto& [run, wrong] : checks) {
      want = {run - wrong, run, false};
      if (wrong > max_wrong && run < val.size()) {
        want.stopped = true;
        break;
      }
    }
    for (int threads : {1, 2, 3}) {
      ActivationCache cache(m.prepared().quantized(), val, 0, threads);
      const auto got = cache.classify(lm, max_wrong);
      INFO("max_wrong " << max_wrong << " threads " << threads);
      CHECK(got.correct == want.correct);
      CHECK(got.evaluated == want.evaluated);
      CHECK(got.stopped == want.stopped);
    }
  }
}

TEST_CASE("activation cache: images run hardest first, misclassified ones before the rest", "[optimizer]") {
  auto& m = model();
  const auto& val = m.prepared().validation();
  const auto& q = m.prepared().quantized();
  const auto order = hardest_first(q, val, 2);
  REQUIRE(order.size() == val.size());
  std::vector<std::size_t> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i) REQUIRE(sorted[i] == i);  // a permutation
  // The margin of the right class recomputed here; it never decreases along the order.
  const auto out = nn::IntegerEngine(q).run(val.codes, 1);
  auto margin = [&](std::size_t i) {
    int other = -1000;
    for (std::size_t k = 0; k < out[i].size(); ++k)
      if (k != static_cast<std::size_t>(val.labels[i])) other = std::max(other, q->value(out[i][k]));
    return q->value(out[i][static_cast<std::size_t>(val.labels[i])]) - other;
  };
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < val.size(); ++i) wrong += margin(i) < 0;
  for (std::size_t j = 1; j < order.size(); ++j) CHECK(margin(order[j - 1]) <= margin(order[j]));
  for (std::size_t j = 0; j < wrong; ++j) CHECK(margin(order[j]) < 0);
  // Ties keep the data set's order (deterministic).
  for (std::size_t j = 1; j < order.size(); ++j)
    if (margin(order[j - 1]) == margin(order[j])) CHECK(order[j - 1] < order[j]);
}

TEST_CASE("search: the same front with 1 and 2 threads - properties of front and generation 0 and history",
          "[optimizer]") {
  const Run one = search(1, 3), two = search(2, 3);
  CHECK(one.population == two.population);
  CHECK(one.memo == two.memo);
  CHECK(one.front == two.front);
  REQUIRE(!one.front.empty());
  // Uniform configurations: every multiplier, evaluated in generation 0.
  CHECK(one.uniform.size() == multipliers().size());
  for (std::size_t g = 1; g < one.history.size(); ++g)
    CHECK(one.history[g].hypervolume >= one.history[g - 1].hypervolume);
  CHECK(one.history.size() == 4);
  CHECK(one.history[0].evaluated > 0);
}

TEST_CASE("search: resume after generation k ends with the uninterrupted run's front", "[optimizer]") {
  const auto path = (std::filesystem::temp_directory_path() / ("alwann-ckpt-" + std::to_string(::getpid()) + ".json")).string();
  const Run full = search(2, 4);
  search(2, 2, path);  // "killed" after generation 2: its checkpoint is what survives
  const Checkpoint c = Checkpoint::load(path);
  CHECK(c.generation == 2);
  const Run resumed = search(2, 4, path, c);
  std::filesystem::remove(path);
  CHECK(resumed.population == full.population);
  CHECK(resumed.memo == full.memo);
  CHECK(resumed.front == full.front);
  CHECK(resumed.history.size() == full.history.size());
}

TEST_CASE("front points are mutually non-dominated and feasible", "[optimizer]") {
  const SearchSpace space(accelerator(), model().work(), multipliers());
  SearchOracle oracle(model(), accelerator(), space, nn::Tune::None, 0, 2);
  const CandidateResult exact = oracle.evaluate_exact();
  ObjectiveOptions oo;
  oo.max_loss_pp = 5.0;
  const Objectives obj(oo, exact);
  oracle.set_rejection(exact.accuracy_validation, 5.0);
  FitnessMemo memo;
  auto fn = std::make_shared<BatchFitnessFunction>(space, oracle, obj, memo);
  SearchOptions o;
  o.population = 8;
  o.generations = 2;
  Search s(fn, memo, o);
  s.run({});
  const auto keys = s.front_keys();
  REQUIRE(!keys.empty());
  std::vector<std::vector<double>> f;
  for (const auto& k : keys) {
    const auto& e = *memo.find(k);
    CHECK(obj.feasible(e.result));
    CHECK_FALSE(e.result.stopped_early);
    f.push_back(obj.fitness(e.result));
  }
  for (std::size_t i = 0; i < f.size(); ++i)
    for (std::size_t j = 0; j < f.size(); ++j) CHECK_FALSE(dominates(f[i], f[j]));
  // Infeasible candidates rank behind every feasible one.
  for (const auto& [k, e] : memo.entries())
    if (!obj.feasible(e.result))
      for (const auto& x : f) CHECK(dominates(x, obj.fitness(e.result)));
}

TEST_CASE("dominance rejection: the limit follows the front point with no more energy", "[optimizer]") {
  RejectionReference ref;
  ref.front = {{10.0, 5.0}, {20.0, 3.0}};
  ref.margin_pp = 1.0;
  CandidateResult r;
  r.energy_multiply_pj = 4.0;  // only [20 %, 3] is at least as good in energy
  CHECK(dominated_after_wrong(ref, r, 1000) == 210);
  r.energy_multiply_pj = 6.0;  // both are: the lower error counts
  CHECK(dominated_after_wrong(ref, r, 1000) == 110);
  r.energy_multiply_pj = 2.0;  // nothing dominates it in energy
  CHECK(dominated_after_wrong(ref, r, 1000) == static_cast<std::size_t>(-1));
  r.energy_multiply_pj = 6.0;
  r.energy_total_pj = 1.0;  // the reference's objective decides which energy counts
  ref.energy = EnergyObjective::Total;
  CHECK(dominated_after_wrong(ref, r, 1000) == static_cast<std::size_t>(-1));
  ref.energy = EnergyObjective::Multiply;
  ref.latency = true;  // with cycles: a point must also have no more cycles
  ref.front = {{10.0, 5.0, 100.0}, {20.0, 3.0, 50.0}};
  r.cycles = 60;
  CHECK(dominated_after_wrong(ref, r, 1000) == 210);
  CHECK(rejection_reference_from_json(to_json(ref)).front == ref.front);
}

TEST_CASE("dominance rejection: deterministic at 1 and 2 threads - every stopped candidate is dominated",
          "[optimizer]") {
  // 384 search images (24 checks), and the default margin 0: the
  // strictest case, a stopped candidate's error just above the reference's.
  static sim::ModelSimulation big = resnet8(16, 384);
  auto run = [&](int threads, std::size_t* stopped) {
    const SearchSpace space(accelerator(), big.work(), multipliers());
    SearchOracle oracle(big, accelerator(), space, nn::Tune::Alwann, std::size_t{64} << 20, threads);
    const Objectives obj(ObjectiveOptions{}, oracle.evaluate_exact());
    FitnessMemo memo;
    auto fn = std::make_shared<BatchFitnessFunction>(space, oracle, obj, memo);
    SearchOptions o;
    o.population = 8;
    o.generations = 3;
    o.seed = 3;
    o.reject_margin_pp = 0.0;
    Search s(fn, memo, o);
    s.run({});
    std::map<std::string, std::string> out;
    std::vector<std::vector<double>> complete;
    for (const auto& [k, e] : memo.entries()) {
      out[k] = to_json(e.result).dump();
      if (!e.result.stopped_early) complete.push_back(obj.fitness(e.result));
    }
    for (const auto& [k, e] : memo.entries()) {
      if (!e.result.stopped_early) continue;
      ++*stopped;
      const auto f = obj.fitness(e.result);
      CHECK(std::any_of(complete.begin(), complete.end(), [&](const auto& p) { return dominates(p, f); }));
    }
    for (const auto& k : s.front_keys()) CHECK_FALSE(memo.find(k)->result.stopped_early);
    return out;
  };
  std::size_t stopped_one = 0, stopped_two = 0;
  const auto one = run(1, &stopped_one);
  const auto two = run(2, &stopped_two);
  CHECK(one == two);
  CHECK(stopped_one == stopped_two);
  CHECK(stopped_one > 0);  // the test means something only if some stopped
}
