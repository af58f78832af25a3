#include "optimizer/MpiEvaluator.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/Error.hpp"

namespace alwann::optimizer {

namespace {

enum Tag : int { kTagWork = 1, kTagResult = 2, kTagError = 3, kTagStop = 4 };
using clock = std::chrono::steady_clock;
using Bytes = std::vector<std::uint8_t>;

void send(MPI_Comm comm, int rank, Tag tag, const nlohmann::json& j) {
  const Bytes b = nlohmann::json::to_cbor(j);
  MPI_Send(b.data(), static_cast<int>(b.size()), MPI_BYTE, rank, tag, comm);
}

// Receives the message `st` announced (after MPI_Probe/MPI_Iprobe).
Bytes receive_bytes(MPI_Comm comm, const MPI_Status& st) {
  int n = 0;
  MPI_Get_count(&st, MPI_BYTE, &n);
  Bytes b(static_cast<std::size_t>(n));
  MPI_Recv(b.data(), n, MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, comm, MPI_STATUS_IGNORE);
  return b;
}

nlohmann::json stats_json(const CacheStats& s) {
  return {s.lookups, s.hits, s.stopped, s.layers_run, s.layers_skipped, s.evictions, s.bytes, s.entries, s.images_run, s.images_requested, s.repeats};
}

CacheStats stats_from_json(const nlohmann::json& j) {
  CacheStats s;
  s.lookups = j.at(0);
  s.hits = j.at(1);
  s.stopped = j.at(2);
  s.layers_run = j.at(3);
  s.layers_skipped = j.at(4);
  s.evictions = j.at(5);
  s.bytes = j.at(6);
  s.entries = j.at(7);
  s.images_run = j.at(8);
  s.images_requested = j.at(9);
  s.repeats = j.at(10);
  return s;
}

void add(CacheStats& a, const CacheStats& b) {
  a.lookups += b.lookups;
  a.hits += b.hits;
  a.stopped += b.stopped;
  a.layers_run += b.layers_run;
  a.layers_skipped += b.layers_skipped;
  a.evictions += b.evictions;
  a.bytes += b.bytes;
  a.entries += b.entries;
  a.images_run += b.images_run;
  a.images_requested += b.images_requested;
  a.repeats += b.repeats;
}

std::string rank_name(MPI_Comm comm) {
  int rank = 0, len = 0;
  MPI_Comm_rank(comm, &rank);
  char host[MPI_MAX_PROCESSOR_NAME] = {};
  MPI_Get_processor_name(host, &len);
  return fmt::format("rank {} ({})", rank, host);
}

void send_error(MPI_Comm comm, const std::string& what, bool user) {
  send(comm, 0, kTagError, {{"what", rank_name(comm) + ": " + what}, {"user", user}});
}

// A blocking probe that sleeps instead of spinning: MPI's blocking calls
// busy-poll a core, which a rank waiting for minutes-long evaluations would
// take from the evaluating threads beside it. Latency: at most 1 ms, against
// evaluations of tens of milliseconds and more.
void wait_probe(MPI_Comm comm, int source, MPI_Status* st) {
  for (int sleep_us = 20;; sleep_us = std::min(2 * sleep_us, 1000)) {
    int flag = 0;
    MPI_Iprobe(source, MPI_ANY_TAG, comm, &flag, st);
    if (flag) return;
    std::this_thread::sleep_for(std::chrono::microseconds(sleep_us));
  }
}

// Discards work until rank 0 says stop.
void wait_for_stop(MPI_Comm comm) {
  for (;;) {
    MPI_Status st;
    wait_probe(comm, 0, &st);
    receive_bytes(comm, st);
    if (st.MPI_TAG == kTagStop) return;
  }
}

}  // namespace

struct MpiEvaluator::Round {
  std::vector<std::vector<std::size_t>> chunks;   // batch indices, in prefix order
  std::vector<std::deque<std::size_t>> segments;  // per evaluator: workers_ order, then rank 0
  std::vector<int> segment_of;                    // workers_ index -> segment (-1: none)
  std::vector<std::vector<int>> keep;             // per batch index: frontiers worth keeping
  std::vector<CandidateResult> out;
  std::optional<std::string> error;
  bool error_user = true;

  // The next chunk for segment `s`: its own front, else the back of the longest.
  std::optional<std::size_t> next(int s) {
    if (s < 0) return std::nullopt;
    auto& own = segments[static_cast<std::size_t>(s)];
    if (!own.empty()) {
      const std::size_t c = own.front();
      own.pop_front();
      return c;
    }
    auto longest = std::max_element(segments.begin(), segments.end(),
                                     [](const auto& a, const auto& b) { return a.size() < b.size(); });
    if (longest == segments.end() || longest->empty()) return std::nullopt;
    const std::size_t c = longest->back();
    longest->pop_back();
    return c;
  }
};

MpiEvaluator::MpiEvaluator(MPI_Comm comm) : comm_(comm) {
  int size = 1;
  MPI_Comm_size(comm_, &size);
  for (int r = 1; r < size; ++r) workers_.push_back(Worker{r, true, {}, {}});
}

void MpiEvaluator::set_local(SearchOracle* local) {
  local_ = local;
}

MpiEvaluator::~MpiEvaluator() { stop_workers(); }

void MpiEvaluator::stop_workers() {
  if (stopped_) return;
  stopped_ = true;
  for (const auto& w : workers_) MPI_Send(nullptr, 0, MPI_BYTE, w.rank, kTagStop, comm_);
}

CacheStats MpiEvaluator::cache_stats() const {
  CacheStats s = local_ ? local_->cache_stats() : CacheStats{};
  for (const auto& w : workers_) add(s, w.stats);
  return s;
}

void MpiEvaluator::send_chunk(Round& r, Worker& w, std::size_t chunk) {
  const auto t0 = clock::now();
  nlohmann::json cands = nlohmann::json::array(), keep = nlohmann::json::array();
  for (std::size_t i : r.chunks[chunk]) {
    const Candidate& c = batch_->at(i);
    cands.push_back({c.unit_multiplier, c.layer_unit});
    keep.push_back(r.keep[i]);
  }
  nlohmann::json msg = {{"chunk", chunk}, {"c", cands}, {"k", keep}};
  if (reference_) msg["ref"] = *reference_;
  send(comm_, w.rank, kTagWork, msg);
  w.in_flight.push_back(chunk);
  overhead_.dispatch_seconds += std::chrono::duration<double>(clock::now() - t0).count();
}

void MpiEvaluator::receive(Round& r, bool wait) {
  for (;;) {
    MPI_Status st;
    if (wait) {
      wait_probe(comm_, MPI_ANY_SOURCE, &st);
    } else {
      int flag = 0;
      MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm_, &flag, &st);
      if (!flag) return;
    }
    const auto t0 = clock::now();
    const nlohmann::json j = nlohmann::json::from_cbor(receive_bytes(comm_, st));
    auto w = std::find_if(workers_.begin(), workers_.end(), [&](const Worker& x) { return x.rank == st.MPI_SOURCE; });
    if (w == workers_.end()) throw std::logic_error(fmt::format("MPI message from unknown rank {}", st.MPI_SOURCE));
    if (st.MPI_TAG == kTagError) {
      if (!r.error) {
        r.error = j.at("what").get<std::string>();
        r.error_user = j.at("user").get<bool>();
      }
      w->alive = false;
      w->in_flight.clear();  // a failed worker drops what it still holds
    } else if (st.MPI_TAG == kTagResult && w->alive) {
      const auto chunk = j.at("chunk").get<std::size_t>();
      if (w->in_flight.empty() || w->in_flight.front() != chunk)
        throw std::logic_error(fmt::format("MPI rank {} returned chunk {} out of order", w->rank, chunk));
      w->in_flight.pop_front();
      const auto& results = j.at("r");
      const auto& idx = r.chunks[chunk];
      for (std::size_t k = 0; k < idx.size(); ++k) r.out[idx[k]] = candidate_result_from_json(results.at(k));
      w->stats = stats_from_json(j.at("s"));
      if (!r.error)
        if (auto c = r.next(r.segment_of[static_cast<std::size_t>(w - workers_.begin())])) send_chunk(r, *w, *c);
    }
    overhead_.dispatch_seconds += std::chrono::duration<double>(clock::now() - t0).count();
    if (wait) return;
  }
}

void MpiEvaluator::set_reference(const RejectionReference& reference) {
  reference_ = to_json(reference);
  if (local_) local_->set_reference(reference);
}

std::vector<CandidateResult> MpiEvaluator::evaluate(const std::vector<Candidate>& batch) {
  if (batch.empty()) return {};
  const auto t0 = clock::now();
  Round r;
  batch_ = &batch;
  r.out.resize(batch.size());
  r.segment_of.assign(workers_.size(), -1);
  int evaluators = local_ ? 1 : 0;
  for (std::size_t i = 0; i < workers_.size(); ++i)
    if (workers_[i].alive) r.segment_of[i] = evaluators++;
  const int local_segment = local_ ? evaluators - 1 : -1;
  // Small chunks balance the load; a few candidates per chunk keep the
  // messages per candidate down on large batches.
  const std::size_t n = batch.size();
  const std::size_t per_chunk = std::clamp<std::size_t>(n / (4 * static_cast<std::size_t>(evaluators)), 1, 8);
  const std::vector<std::size_t> order = prefix_order(batch);
  for (std::size_t i = 0; i < n; i += per_chunk)
    r.chunks.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(i),
                          order.begin() + static_cast<std::ptrdiff_t>(std::min(n, i + per_chunk)));
  r.segments.resize(static_cast<std::size_t>(evaluators));
  for (std::size_t c = 0; c < r.chunks.size(); ++c)
    r.segments[c * static_cast<std::size_t>(evaluators) / r.chunks.size()].push_back(c);
  // A rank keeps the frontiers that later candidates of its segment restart from.
  r.keep.resize(n);
  for (const auto& seg : r.segments) {
    std::vector<std::size_t> idx;
    std::vector<std::vector<int>> seq;
    for (std::size_t c : seg)
      for (std::size_t i : r.chunks[c]) {
        idx.push_back(i);
        seq.push_back(multiplier_sequence(batch[i]));
      }
    const auto keep = frontiers_to_keep(seq);
    for (std::size_t k = 0; k < idx.size(); ++k) r.keep[idx[k]] = keep[k];
  }
  overhead_.candidates += n;
  overhead_.chunks += r.chunks.size();
  overhead_.dispatch_seconds += std::chrono::duration<double>(clock::now() - t0).count();
  for (int depth = 0; depth < 2; ++depth)  // two chunks per worker: one running, one waiting
    for (std::size_t i = 0; i < workers_.size(); ++i)
      if (auto c = r.next(r.segment_of[i])) send_chunk(r, workers_[i], *c);
  auto in_flight = [&] {
    return std::any_of(workers_.begin(), workers_.end(), [](const Worker& w) { return !w.in_flight.empty(); });
  };
  for (;;) {
    if (local_ && !r.error) {
      receive(r, false);  // answer the workers first, then take a chunk
      if (auto c = r.error ? std::nullopt : r.next(local_segment)) {
        std::vector<Candidate> cands;
        std::vector<std::vector<int>> keep;
        for (std::size_t i : r.chunks[*c]) {
          cands.push_back(batch[i]);
          keep.push_back(r.keep[i]);
        }
        const auto res = local_->evaluate_keeping(cands, keep);
        for (std::size_t k = 0; k < res.size(); ++k) r.out[r.chunks[*c][k]] = res[k];
        overhead_.local_candidates += res.size();
        continue;
      }
    }
    if (!in_flight()) break;  // after the non-blocking receive above: it may have taken the last result
    receive(r, true);
  }
  batch_ = nullptr;
  if (r.error) {
    if (r.error_user) throw Error(*r.error);
    throw std::runtime_error(*r.error);
  }
  return r.out;
}

void run_mpi_worker(MPI_Comm comm, SearchOracle& oracle) {
  const char* hook = std::getenv("ALWANN_TEST_FAIL_CANDIDATE");
  const long fail_at = hook ? std::strtol(hook, nullptr, 10) : 0;
  long evaluated = 0;
  for (;;) {
    MPI_Status st;
    wait_probe(comm, 0, &st);
    const Bytes b = receive_bytes(comm, st);
    if (st.MPI_TAG == kTagStop) return;
    if (st.MPI_TAG != kTagWork) continue;
    try {
      const nlohmann::json j = nlohmann::json::from_cbor(b);
      std::vector<Candidate> cands;
      for (const auto& c : j.at("c")) {
        cands.push_back(Candidate{c.at(0).get<std::vector<int>>(), c.at(1).get<std::vector<int>>()});
        if (++evaluated == fail_at)
          throw Error(fmt::format("candidate {}: failed on purpose (test hook ALWANN_TEST_FAIL_CANDIDATE={})",
                                  oracle.space().key(cands.back()), fail_at));
      }
      nlohmann::json results = nlohmann::json::array();
      const auto keep = j.at("k").get<std::vector<std::vector<int>>>();
      if (j.contains("ref")) oracle.set_reference(rejection_reference_from_json(j.at("ref")));
      for (const auto& res : oracle.evaluate_keeping(cands, keep)) results.push_back(to_json(res));
      send(comm, 0, kTagResult, {{"chunk", j.at("chunk")}, {"r", results}, {"s", stats_json(oracle.cache_stats())}});
    } catch (const Error& e) {
      fail_mpi_worker(comm, e.what(), true);
      return;
    } catch (const std::exception& e) {
      fail_mpi_worker(comm, e.what(), false);
      return;
    }
  }
}

void fail_mpi_worker(MPI_Comm comm, const std::string& what, bool user) {
  send_error(comm, what, user);
  wait_for_stop(comm);
}

}  // namespace alwann::optimizer
