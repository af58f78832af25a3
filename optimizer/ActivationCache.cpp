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
                                                   std::size_t max_wrong, const std::vector<int>* keep,
                                                   bool keep_others) {
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
  const auto B = static_cast<std::size_t>(batch_);
  const std::size_t n_batches = (images_.size() + B - 1) / B;
  const std::size_t n_cuts = budget_ > 0 ? cuts_.size() : 0;
  // The saved frontiers of this candidate's prefixes, one per cut (null if
  // none). Each covers the first batches its run reached (a run stopped
  // early saves what it ran), so every batch restarts at the deepest cut
  // that covers it.
  std::vector<std::shared_ptr<const Frontier>> saved(n_cuts);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t c = 0; c < n_cuts; ++c) {
      const auto it = index_.find({keys[c], static_cast<int>(c)});
      if (it == index_.end()) continue;
      // Restarted from: most recent, and as good as a frontier saved hot.
      lru_.splice(lru_.begin(), it->second->hot ? lru_ : cold_, it->second);
      it->second->hot = true;
      saved[c] = it->second->data;
    }
  }
  auto start_of = [&](std::size_t b) {
    for (std::size_t c = n_cuts; c-- > 0;)
      if (saved[c] && saved[c]->size() > b) return static_cast<int>(c);
    return -1;
  };
  auto hot = [&](std::size_t c) {
    return !keep || std::find(keep->begin(), keep->end(), static_cast<int>(c) + 1) != keep->end();
  };
  auto wanted = [&](std::size_t c) { return c < n_cuts && (keep_others || hot(c)); };
  std::vector<Frontier> fresh(n_cuts, Frontier(n_batches));  // [cut][batch], filled where computed
  std::vector<int> starts(n_batches, -1);
  std::vector<std::size_t> right(n_batches, 0);
  std::vector<nn::IntegerEngine::BatchState> states(static_cast<std::size_t>(threads_));  // per worker, reused
  auto run_batch = [&](std::size_t b, int w) {
    const std::size_t first = b * B;
    const int count = static_cast<int>(std::min(B, images_.size() - first));
    std::vector<const nn::Codes*> ptrs(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) ptrs[static_cast<std::size_t>(i)] = &images_.codes[order_[first + static_cast<std::size_t>(i)]];
    nn::IntegerEngine::BatchState& st = states[static_cast<std::size_t>(w)];
    engine.start_batch(ptrs.data(), count, st);
    const int start = starts[b] = start_of(b);
    int at = 0;
    if (start >= 0) {
      const auto& f = frontier_[static_cast<std::size_t>(start)];
      for (std::size_t j = 0; j < f.size(); ++j) st.act[static_cast<std::size_t>(f[j])] = (*saved[static_cast<std::size_t>(start)])[b][j];
      at = cuts_[static_cast<std::size_t>(start)];
    }
    for (std::size_t c = static_cast<std::size_t>(start + 1); c < cuts_.size(); ++c) {
      engine.run_layers(st, at, cuts_[c]);
      at = cuts_[c];
      if (!wanted(c)) continue;
      for (int j : frontier_[c]) fresh[c][b].push_back(st.act[static_cast<std::size_t>(j)]);
    }
    engine.run_layers(st, at, n_layers);
    for (int i = 0; i < count; ++i)
      right[b] += static_cast<std::size_t>(engine.classify_in_batch(st, i)) == images_.labels[order_[first + static_cast<std::size_t>(i)]];
  };
  Outcome out;
  Record record;
  // Early-rejection checks after every batch (16 images): the hardest
  // images come first, so a hopeless candidate is caught after few. The
  // batches run in chunks of one per thread, and the checks inside a chunk
  // are made in order once it is done, as if each batch had run alone: the
  // outcome never depends on the threads (a stop inside a chunk only wastes
  // the chunk's later batches).
  std::size_t done = 0;
  const auto per_chunk = static_cast<std::size_t>(threads_);
  while (done < n_batches && !out.stopped) {
    const std::size_t n = std::min(per_chunk, n_batches - done);
    nn::parallel_for(n, threads_, [&](std::size_t i, int w) { run_batch(done + i, w); });
    for (std::size_t b = done; b < done + n && !out.stopped; ++b) {
      out.evaluated = std::min(images_.size(), (b + 1) * B);
      out.correct += right[b];
      record.checks.emplace_back(out.evaluated, out.correct);
      out.stopped = out.evaluated - out.correct > max_wrong && b + 1 < n_batches;
    }
    done += n;
  }
  record.complete = !out.stopped;
  // Every kept cut's frontier over the batches run: computed here, or taken
  // from the saved one where this run restarted at or past the cut. Stored
  // when it reaches further than the saved one.
  std::vector<std::pair<std::size_t, Frontier>> extended;
  for (std::size_t c = 0; c < n_cuts; ++c) {
    if (!wanted(c)) continue;
    Frontier f;
    for (std::size_t b = 0; b < done; ++b) {
      if (static_cast<std::size_t>(starts[b] + 1) <= c) f.push_back(std::move(fresh[c][b]));
      else if (saved[c] && saved[c]->size() > b) f.push_back((*saved[c])[b]);
      else break;
    }
    if (f.size() > (saved[c] ? saved[c]->size() : 0)) extended.emplace_back(c, std::move(f));
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& r = records_[keys.back()];  // the longest run of a configuration decides the most thresholds
    if (record.complete || record.checks.size() > r.checks.size()) r = std::move(record);
    ++stats_.lookups;
    stats_.hits += !starts.empty() && starts[0] >= 0;
    for (std::size_t b = 0; b < done; ++b) {
      const auto skipped = static_cast<std::uint64_t>(starts[b] + 1);  // approximable layers before the restart
      stats_.layers_skipped += skipped;
      stats_.layers_run += approx_.size() - skipped;
    }
    stats_.stopped += out.stopped;
    stats_.images_run += std::min(images_.size(), done * B);
    stats_.images_requested += images_.size();
  }
  for (auto& [c, f] : extended) insert(keys[c], static_cast<int>(c), std::move(f), hot(c));
  return out;
}

void ActivationCache::insert(std::uint64_t key, int cut, Frontier data, bool hot) {
  std::size_t bytes = 0;
  for (const auto& batch : data)
    for (const auto& t : batch) bytes += t.size();
  std::lock_guard<std::mutex> lock(mutex_);
  if (bytes > budget_) return;
  if (const auto it = index_.find({key, cut}); it != index_.end()) {
    if (it->second->data->size() >= data.size()) return;  // another run reached as far
    hot = hot || it->second->hot;
    stats_.bytes -= it->second->bytes;
    (it->second->hot ? lru_ : cold_).erase(it->second);
    index_.erase(it);
  }
  // Cold frontiers go first; a cold frontier only takes the place of other cold ones.
  while (stats_.bytes + bytes > budget_ && (!cold_.empty() || (hot && !lru_.empty()))) {
    auto& from = cold_.empty() ? lru_ : cold_;
    stats_.bytes -= from.back().bytes;
    index_.erase({from.back().key, from.back().cut});
    from.pop_back();
    ++stats_.evictions;
  }
  if (stats_.bytes + bytes > budget_) return;
  auto& to = hot ? lru_ : cold_;
  index_[{key, cut}] = to.insert(to.begin(), Entry{key, cut, std::make_shared<const Frontier>(std::move(data)), bytes, hot});
  stats_.bytes += bytes;
}

CacheStats ActivationCache::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  CacheStats s = stats_;
  s.entries = lru_.size() + cold_.size();
  return s;
}

}  // namespace alwann::optimizer
