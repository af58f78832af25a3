#include "optimizer/ActivationCache.hpp"

#include <malloc.h>

#include <algorithm>
#include <limits>
#include <string_view>

#include "common/ContentHash.hpp"
#include "nn/ParallelFor.hpp"

namespace alwann::optimizer {

void keep_freed_memory() {
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
}

ActivationCache::ActivationCache(nn::QuantizedNetworkPtr q, const nn::LabelledCodes& images, std::size_t budget_bytes,
                                 int threads)
    : q_(std::move(q)), images_(images), budget_(budget_bytes), threads_(std::max(1, threads)) {
  const nn::Network& net = q_->network();
  const int n = static_cast<int>(net.layers().size());
  for (const nn::Layer& l : net.layers())
    if (l.approximable) approx_.push_back(l.id);
  // The first approximable layer's cut would only save the input: no cut there.
  for (std::size_t a = 1; a < approx_.size(); ++a) cuts_.push_back(approx_[a]);
  order_ = hardest_first(q_, images_, threads_);
  for (int cut : cuts_) {
    std::vector<int> f;
    for (int j = 0; j < cut; ++j) {
      bool read_later = false;
      for (int i = cut; i < n && !read_later; ++i)
        for (int p : net.layer(i).predecessors) read_later = read_later || p == j;
      if (read_later) f.push_back(j);
    }
    frontier_.push_back(f);
  }
}

std::vector<std::size_t> hardest_first(const nn::QuantizedNetworkPtr& q, const nn::LabelledCodes& images, int threads) {
  const auto out = nn::IntegerEngine(q, {}).run(images.codes, threads);
  std::vector<double> margin(out.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto label = static_cast<std::size_t>(images.labels[i]);
    double other = -std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < out[i].size(); ++k)
      if (k != label) other = std::max<double>(other, q->value(out[i][k]));
    margin[i] = (label < out[i].size() ? q->value(out[i][label]) : other) - other;
  }
  std::vector<std::size_t> order(out.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return margin[a] < margin[b]; });
  return order;
}

// Key of cut c: the multipliers (table and weight remap) of every
// approximable layer before cuts_[c], chained; the last key covers them all.
std::vector<std::uint64_t> ActivationCache::prefix_keys(const std::vector<nn::LayerMultiplier>& m) const {
  std::vector<std::uint64_t> keys(cuts_.size() + 1);
  ContentHash h;
  std::size_t a = 0;
  for (std::size_t c = 0; c <= cuts_.size(); ++c) {
    const int end = c < cuts_.size() ? cuts_[c] : std::numeric_limits<int>::max();
    for (; a < approx_.size() && approx_[a] < end; ++a) {
      const auto id = static_cast<std::size_t>(approx_[a]);
      const nn::LayerMultiplier lm = id < m.size() ? m[id] : nn::LayerMultiplier{};
      h.add(lm.table ? lm.table->name() : std::string("exact")).add("|");
      h.add(std::string_view(reinterpret_cast<const char*>(lm.weight_remap.data()), lm.weight_remap.size()));
    }
    keys[c] = h.value();
  }
  return keys;
}

std::optional<ActivationCache::Outcome> ActivationCache::replay(const Record& r, std::size_t max_wrong) {
  // The run's own test after each check, with this max_wrong: a stop is
  // possible at every check but the last image's.
  for (std::size_t i = 0; i < r.checks.size(); ++i) {
    const auto [evaluated, correct] = r.checks[i];
    const bool last = r.complete && i + 1 == r.checks.size();
    if (last || evaluated - correct > max_wrong) return Outcome{correct, evaluated, !last};
  }
  return std::nullopt;
}

ActivationCache::Outcome ActivationCache::classify(const std::vector<nn::LayerMultiplier>& multipliers,
                                                   std::size_t max_wrong, const std::vector<int>* keep) {
  const auto keys = prefix_keys(multipliers);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (const auto it = records_.find(keys.back()); it != records_.end())
      if (const auto o = replay(it->second, max_wrong)) {
        ++stats_.repeats;
        stats_.stopped += o->stopped;
        return *o;
      }
  }
  const nn::IntegerEngine engine(q_, multipliers);
  const int n_layers = static_cast<int>(q_->network().layers().size());
  // The deepest saved cut of this candidate's prefix.
  int start_cut = -1;
  std::shared_ptr<const Frontier> restart;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++stats_.lookups;
    for (int c = static_cast<int>(cuts_.size()) - 1; c >= 0 && budget_ > 0; --c) {
      const auto it = index_.find({keys[static_cast<std::size_t>(c)], c});
      if (it == index_.end()) continue;
      lru_.splice(lru_.begin(), lru_, it->second);  // most recent first
      start_cut = c;
      restart = it->second->data;
      break;
    }
    if (start_cut >= 0) ++stats_.hits;
    const auto skipped = static_cast<std::uint64_t>(start_cut + 1);  // approximable layers before cuts_[start_cut]
    stats_.layers_skipped += skipped;
    stats_.layers_run += approx_.size() - skipped;
  }
  const auto B = static_cast<std::size_t>(batch_);
  const std::size_t n_batches = (images_.size() + B - 1) / B;
  const int first_new = start_cut + 1;
  std::vector<Frontier> fresh(budget_ > 0 ? cuts_.size() - static_cast<std::size_t>(first_new) : 0,
                              Frontier(n_batches));
  std::vector<std::size_t> right(n_batches, 0);
  std::vector<nn::IntegerEngine::BatchState> states(static_cast<std::size_t>(threads_));  // per worker, reused
  auto run_batch = [&](std::size_t b, int w) {
    const std::size_t first = b * B;
    const int count = static_cast<int>(std::min(B, images_.size() - first));
    std::vector<const nn::Codes*> ptrs(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) ptrs[static_cast<std::size_t>(i)] = &images_.codes[order_[first + static_cast<std::size_t>(i)]];
    nn::IntegerEngine::BatchState& st = states[static_cast<std::size_t>(w)];
    engine.start_batch(ptrs.data(), count, st);
    int at = 0;
    if (start_cut >= 0) {
      const auto& f = frontier_[static_cast<std::size_t>(start_cut)];
      for (std::size_t j = 0; j < f.size(); ++j) st.act[static_cast<std::size_t>(f[j])] = (*restart)[b][j];
      at = cuts_[static_cast<std::size_t>(start_cut)];
    }
    for (std::size_t c = static_cast<std::size_t>(first_new); c < cuts_.size(); ++c) {
      engine.run_layers(st, at, cuts_[c]);
      at = cuts_[c];
      if (fresh.empty() || (keep && std::find(keep->begin(), keep->end(), static_cast<int>(c) + 1) == keep->end())) continue;
      auto& slot = fresh[c - static_cast<std::size_t>(first_new)][b];
      for (int j : frontier_[c]) slot.push_back(st.act[static_cast<std::size_t>(j)]);
    }
    engine.run_layers(st, at, n_layers);
    for (int i = 0; i < count; ++i)
      right[b] += static_cast<std::size_t>(engine.classify_in_batch(st, i)) == images_.labels[order_[first + static_cast<std::size_t>(i)]];
  };
  Outcome out;
  Record record;
  auto keep_record = [&] {  // the longest run of a configuration decides the most thresholds
    auto& r = records_[keys.back()];
    if (record.complete || record.checks.size() > r.checks.size()) r = std::move(record);
  };
  // Early-rejection checks after 2, 4, 8, 16, 24, ... batches (32, 64, 128,
  // 256, 384, ... images): the hardest images come first, so a hopeless
  // candidate is usually caught at the first checks. A fixed schedule, not
  // one sized to the threads, keeps the decision independent of them.
  std::size_t done = 0;
  while (done < n_batches) {
    const std::size_t chunk = done < 8 ? std::max<std::size_t>(2, done) : 8;
    const std::size_t n = std::min(chunk, n_batches - done);
    nn::parallel_for(n, threads_, [&](std::size_t i, int w) { run_batch(done + i, w); });
    done += n;
    out.evaluated = std::min(images_.size(), done * B);
    out.correct = 0;
    for (std::size_t b = 0; b < done; ++b) out.correct += right[b];
    record.checks.emplace_back(out.evaluated, out.correct);
    if (out.evaluated - out.correct > max_wrong && done < n_batches) {
      out.stopped = true;
      std::lock_guard<std::mutex> lock(mutex_);
      keep_record();
      ++stats_.stopped;
      stats_.images_run += out.evaluated;
      stats_.images_requested += images_.size();
      return out;  // partial frontiers are not stored
    }
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    record.complete = true;
    keep_record();
    stats_.images_run += out.evaluated;
    stats_.images_requested += images_.size();
  }
  for (std::size_t i = 0; i < fresh.size(); ++i)
    if (!fresh[i][0].empty())
      insert(keys[static_cast<std::size_t>(first_new) + i], first_new + static_cast<int>(i), std::move(fresh[i]));
  return out;
}

void ActivationCache::insert(std::uint64_t key, int cut, Frontier data) {
  std::size_t bytes = 0;
  for (const auto& batch : data)
    for (const auto& t : batch) bytes += t.size();
  std::lock_guard<std::mutex> lock(mutex_);
  if (bytes > budget_ || index_.count({key, cut})) return;
  while (stats_.bytes + bytes > budget_ && !lru_.empty()) {
    stats_.bytes -= lru_.back().bytes;
    index_.erase({lru_.back().key, lru_.back().cut});
    lru_.pop_back();
    ++stats_.evictions;
  }
  lru_.push_front(Entry{key, cut, std::make_shared<const Frontier>(std::move(data)), bytes});
  index_[{key, cut}] = lru_.begin();
  stats_.bytes += bytes;
}

CacheStats ActivationCache::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  CacheStats s = stats_;
  s.entries = lru_.size();
  return s;
}

}  // namespace alwann::optimizer
