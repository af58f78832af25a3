#include "optimizer/FitnessMemo.hpp"

#include <set>

namespace alwann::optimizer {

const MemoEntry* FitnessMemo::find(const std::string& key) const {
  const auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

nlohmann::json FitnessMemo::to_json() const {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& [key, e] : entries_)
    a.push_back({{"key", key},
                 {"unit_multiplier", e.candidate.unit_multiplier},
                 {"layer_unit", e.candidate.layer_unit},
                 {"generation", e.generation},
                 {"result", optimizer::to_json(e.result)}});
  return a;
}

FitnessMemo FitnessMemo::from_json(const nlohmann::json& j, const SearchSpace& space) {
  FitnessMemo m;
  for (const auto& x : j) {
    MemoEntry e;
    e.candidate.unit_multiplier = x.at("unit_multiplier").get<std::vector<int>>();
    e.candidate.layer_unit = x.at("layer_unit").get<std::vector<int>>();
    e.generation = x.at("generation").get<int>();
    e.result = candidate_result_from_json(x.at("result"));
    const std::string key = space.key(e.candidate);  // before e is moved from
    m.put(key, std::move(e));
  }
  return m;
}

BatchFitnessFunction::BatchFitnessFunction(const SearchSpace& space, CandidateEvaluator& evaluator,
                                           const Objectives& objectives, FitnessMemo& memo)
    : space_(space), evaluator_(evaluator), objectives_(objectives), memo_(memo) {}

std::vector<std::vector<double>> BatchFitnessFunction::operator()(const std::vector<std::vector<double>>& xs) {
  std::vector<std::string> keys;
  std::vector<Candidate> fresh;
  std::vector<std::string> fresh_keys;
  std::set<std::string> queued;
  for (const auto& x : xs) {
    const Candidate c = space_.decode(x);
    keys.push_back(space_.key(c));
    if (memo_.find(keys.back()) || queued.count(keys.back())) continue;
    queued.insert(keys.back());
    fresh.push_back(space_.canonical(c));
    fresh_keys.push_back(keys.back());
  }
  const std::vector<CandidateResult> results = evaluator_.evaluate(fresh);
  for (std::size_t i = 0; i < fresh.size(); ++i) memo_.put(fresh_keys[i], {fresh[i], results.at(i), generation_});
  counts_.requested += xs.size();
  counts_.evaluated += fresh.size();
  counts_.from_memo += xs.size() - fresh.size();
  std::vector<std::vector<double>> f;
  for (const auto& k : keys) f.push_back(objectives_.fitness(memo_.find(k)->result));
  return f;
}

BatchCounts BatchFitnessFunction::take_counts() {
  BatchCounts c = counts_;
  counts_ = {};
  return c;
}

}  // namespace alwann::optimizer
