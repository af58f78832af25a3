#pragma once
// Top-1 accuracy of many candidate configurations on one image set, reusing
// work between candidates. A layer's output codes depend only on the
// multipliers (after the weight update) of that layer and of the layers
// before it in topological order, so a candidate that agrees with an earlier
// one on a prefix of the approximable layers restarts from the saved
// outputs at the end of that prefix: the "frontier", the outputs of earlier
// layers that later layers still read (for a ResNet, the main path and the
// pending shortcut). Frontiers are kept per image batch in an LRU store with
// a byte budget; a run stopped early keeps the batches it ran, and a later
// run restarts each batch at the deepest saved cut that covers it. Images
// run hardest first (ascending margin of the right class under the exact
// network), so early rejection stops a hopeless candidate after few images. Accuracy depends on nothing but the
// multipliers of the approximable layers, so a configuration that repeats
// another's (other tiles or units carrying the same multipliers for every
// layer) is answered from that run's counts at each early-rejection check,
// for any max_wrong, without running. Results are bit-identical to
// IntegerEngine::classify at any thread count and budget (a test checks it).
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "nn/Evaluation.hpp"
#include "nn/IntegerInference.hpp"

namespace alwann::optimizer {

struct CacheStats {
  std::uint64_t lookups = 0, hits = 0;        // one lookup per evaluation
  std::uint64_t stopped = 0;                  // evaluations stopped early
  std::uint64_t layers_run = 0, layers_skipped = 0;  // approximable layers, summed over the batches run
  std::uint64_t evictions = 0;
  std::uint64_t images_run = 0, images_requested = 0;  // summed over evaluations that ran: early rejection's saving
  std::uint64_t repeats = 0;  // evaluations answered from the record of the same per-layer multipliers
  std::size_t bytes = 0, entries = 0;
  double hit_rate() const { return lookups ? static_cast<double>(hits) / static_cast<double>(lookups) : 0.0; }
  // Share of approximable-layer work skipped thanks to the cache.
  double skipped_share() const {
    const auto t = layers_run + layers_skipped;
    return t ? static_cast<double>(layers_skipped) / static_cast<double>(t) : 0.0;
  }
  // Share of image evaluations not run because candidates stopped early.
  double rejected_share() const {
    return images_requested ? 1.0 - static_cast<double>(images_run) / static_cast<double>(images_requested) : 0.0;
  }
};

// The cache allocates and frees frontiers of megabytes at a high rate; with
// glibc's defaults each large block is a fresh mmap whose pages fault on
// first touch (a third of a search's time, measured with perf in
// bench_search). Called once by programs that run a search: freed blocks
// stay in the heap for reuse.
void keep_freed_memory();

// Image indices by ascending margin of the right class's score over the
// best other class under the exact network (misclassified first), ties by
// index: the images an approximation is most likely to flip come first.
std::vector<std::size_t> hardest_first(const nn::QuantizedNetworkPtr& q, const nn::LabelledCodes& images, int threads);

class ActivationCache {
 public:
  // `budget_bytes` 0 disables caching (every evaluation runs every layer).
  ActivationCache(nn::QuantizedNetworkPtr q, const nn::LabelledCodes& images, std::size_t budget_bytes, int threads);

  struct Outcome {
    std::size_t correct = 0, evaluated = 0;  // images classified right / run
    bool stopped = false;                    // more than max_wrong misclassified: stopped early
  };
  // Classifies the images under `multipliers` (per layer id, as IntegerEngine
  // takes them). A check follows every batch of images; once more than
  // `max_wrong` are misclassified the run stops there (early rejection: the
  // decision depends only on the image order, never on threads or timing).
  // `keep`: the prefix lengths (in approximable layers, 1..L-1) whose
  // frontiers later candidates are known to restart from (null = all of
  // them): saved as most recently used. With `keep_others`, the other
  // prefixes' frontiers are saved too, in a cold segment that a tight
  // budget evicts first and that never displaces the others.
  Outcome classify(const std::vector<nn::LayerMultiplier>& multipliers,
                   std::size_t max_wrong = static_cast<std::size_t>(-1), const std::vector<int>* keep = nullptr,
                   bool keep_others = false);
  std::size_t correct(const std::vector<nn::LayerMultiplier>& multipliers) { return classify(multipliers).correct; }
  std::size_t images() const { return images_.size(); }
  CacheStats stats() const;

 private:
  using Frontier = std::vector<std::vector<nn::Codes>>;  // [batch][frontier layer]
  struct Entry {
    std::uint64_t key = 0;
    int cut = 0;  // index into cuts_
    std::shared_ptr<const Frontier> data;  // shared: a run keeps it alive past eviction
    std::size_t bytes = 0;
    bool hot = true;  // in lru_; false: in cold_ (saved for no known later candidate, evicted first)
  };
  // The images run and classified right after each check of one run, in
  // order; complete when the run reached the last image.
  struct Record {
    std::vector<std::pair<std::size_t, std::size_t>> checks;  // (evaluated, correct)
    bool complete = false;
  };
  // What a run with `max_wrong` gives, if `r` decides it (else the run must go further).
  static std::optional<Outcome> replay(const Record& r, std::size_t max_wrong);
  // Key of every cut's prefix, then (last entry) of all approximable layers.
  std::vector<std::uint64_t> prefix_keys(const std::vector<nn::LayerMultiplier>& m) const;
  // `hot`: as most recently used, else as least recently used.
  void insert(std::uint64_t key, int cut, Frontier data, bool hot);

  nn::QuantizedNetworkPtr q_;
  const nn::LabelledCodes& images_;
  std::size_t budget_;
  int threads_;
  int batch_ = nn::IntegerEngine::kDefaultBatch;
  std::vector<std::size_t> order_;          // image order: hardest first
  std::vector<int> approx_;                 // approximable layer ids, topological order
  std::vector<int> cuts_;                   // cut c: run restarts at layer cuts_[c] (= approx_[c])
  std::vector<std::vector<int>> frontier_;  // per cut: earlier layers read at or after it
  mutable std::mutex mutex_;
  std::list<Entry> lru_, cold_;             // hot and cold entries, most recent first
  std::map<std::pair<std::uint64_t, int>, std::list<Entry>::iterator> index_;
  std::map<std::uint64_t, Record> records_;  // by the key of all approximable layers' multipliers
  CacheStats stats_;
};

}  // namespace alwann::optimizer
