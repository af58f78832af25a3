#pragma once
// Work over independent items (images) on std::threads. Items are handed out
// dynamically, so each result must be written to its own slot (or merged with
// an order-independent operation): that is what makes every pipeline here give
// the same output for any thread count.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace alwann::nn {

inline int default_threads() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

// Calls f(item, worker) for item in [0, n); worker in [0, threads). The first
// exception thrown by any call is rethrown here after all workers stop.
inline void parallel_for(std::size_t n, int threads, const std::function<void(std::size_t, int)>& f) {
  const int workers = static_cast<int>(std::min<std::size_t>(std::max(threads, 1), std::max<std::size_t>(n, 1)));
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&](int worker) {
    for (std::size_t i; (i = next.fetch_add(1)) < n;) {
      try {
        f(i, worker);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        next = n;
      }
    }
  };
  if (workers <= 1) {
    work(0);
  } else {
    std::vector<std::thread> pool;
    for (int t = 0; t < workers; ++t) pool.emplace_back(work, t);
    for (auto& t : pool) t.join();
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace alwann::nn
