#include "optimizer/Checkpoint.hpp"

#include "common/AtomicFile.hpp"
#include "common/ContentHash.hpp"
#include "common/Error.hpp"

namespace alwann::optimizer {

nlohmann::json to_json(const GenerationRecord& r) {
  return {{"generation", r.generation},       {"evaluated", r.evaluated},
          {"from_memo", r.from_memo},         {"total_evaluated", r.total_evaluated},
          {"hypervolume", r.hypervolume},     {"best_error", r.best_error},
          {"lowest_energy", r.lowest_energy}, {"seconds", r.seconds},
          {"elapsed_seconds", r.elapsed_seconds}, {"cache_hit_rate", r.cache_hit_rate},
          {"cache_skipped_share", r.cache_skipped_share}};
}

GenerationRecord generation_record_from_json(const nlohmann::json& j) {
  GenerationRecord r;
  r.generation = j.at("generation").get<int>();
  r.evaluated = j.at("evaluated").get<std::size_t>();
  r.from_memo = j.at("from_memo").get<std::size_t>();
  r.total_evaluated = j.at("total_evaluated").get<std::size_t>();
  r.hypervolume = j.at("hypervolume").get<double>();
  r.best_error = j.at("best_error").get<double>();
  r.lowest_energy = j.at("lowest_energy").get<double>();
  r.seconds = j.at("seconds").get<double>();
  r.elapsed_seconds = j.at("elapsed_seconds").get<double>();
  r.cache_hit_rate = j.at("cache_hit_rate").get<double>();
  r.cache_skipped_share = j.at("cache_skipped_share").get<double>();
  return r;
}

void Checkpoint::save(const std::string& path) const {
  nlohmann::json h = nlohmann::json::array();
  for (const auto& r : history) h.push_back(to_json(r));
  const nlohmann::json j = {{"format", "alwann-search-checkpoint"}, {"version", 1},
                            {"fingerprint", fingerprint},           {"generation", generation},
                            {"population", population},             {"memo", memo},
                            {"history", h}};
  write_file_atomically(path, j.dump() + "\n");
}

Checkpoint Checkpoint::load(const std::string& path) {
  const std::string text = read_file(path);
  try {
    const auto j = nlohmann::json::parse(text);
    if (j.value("format", "") != "alwann-search-checkpoint" || j.value("version", 0) != 1)
      throw file_error(path, "not an alwann search checkpoint (format version 1)");
    Checkpoint c;
    c.fingerprint = j.at("fingerprint");
    c.generation = j.at("generation").get<int>();
    c.population = j.at("population").get<std::vector<std::vector<double>>>();
    c.memo = j.at("memo");
    for (const auto& r : j.at("history")) c.history.push_back(generation_record_from_json(r));
    return c;
  } catch (const nlohmann::json::exception& e) {
    throw file_error(path, std::string("corrupt checkpoint: ") + e.what());
  }
}

void Checkpoint::check_same_problem(const std::string& dir, const nlohmann::json& saved, const nlohmann::json& now) {
  for (const auto& [key, value] : now.items()) {
    if (!saved.contains(key)) throw Error("--resume " + dir + ": the checkpoint has no '" + key + "': a different problem");
    if (saved[key] != value)
      throw Error("--resume " + dir + ": " + key + " differs (checkpoint: " + saved[key].dump() + ", now: " + value.dump() +
                  "): resume only the same problem");
  }
}

}  // namespace alwann::optimizer
