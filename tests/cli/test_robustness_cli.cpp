// Robustness (issue 11 §5): a run killed with -9 leaves no partial output and
// does not break the next run; two processes sharing one cold cache both
// succeed with identical results; results do not depend on --threads.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "CliSupport.hpp"

using alwann::test::run_alwann;
using alwann::test::slurp;
using alwann::test::source_path;
namespace fs = std::filesystem;

namespace {

const std::string kTiny = std::string(ALWANN_SOURCE_DIR) + "/tests/fixtures/nn/tiny_fmnist.onnx";

fs::path scratch(const std::string& name) { return alwann::test::scratch_dir("robust", name); }

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> w;
  for (std::string x; in >> x;) w.push_back(x);
  return w;
}

// Starts alwann with `args` (split at spaces) and `cache` as its cache, output discarded.
pid_t start_alwann(const std::string& args, const fs::path& cache) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setenv("ALWANN_CACHE_DIR", cache.c_str(), 1);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    std::vector<std::string> w = words(args);
    std::vector<char*> argv{const_cast<char*>(ALWANN_EXE)};
    for (auto& x : w) argv.push_back(x.data());
    argv.push_back(nullptr);
    ::execv(ALWANN_EXE, argv.data());
    ::_exit(127);
  }
  return pid;
}

int wait_status(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

std::vector<std::string> files_under(const fs::path& dir) {
  std::vector<std::string> out;
  if (!fs::exists(dir)) return out;  // killed before it was made
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (!e.is_directory()) out.push_back(fs::relative(e.path(), dir).string());
  return out;
}

// The results of an evaluate --json, without the wall times and thread count.
nlohmann::json results_of(nlohmann::json j) {
  for (const char* k : {"seconds", "seconds_by_phase", "threads"}) j.erase(k);
  return j;
}

std::string evaluate_args(const fs::path& json, int threads) {
  return "evaluate --model " + kTiny + " --multipliers mul8u_trunc4 --tune alwann --images 300 --calibration-images 100" +
         " --threads " + std::to_string(threads) + " --json " + json.string();
}

}  // namespace

TEST_CASE("robustness: kill -9 mid-run leaves no output, the next run works", "[cli][robustness]") {
  const fs::path dir = scratch("kill"), cache = dir / "cache", out = dir / "out";
  fs::create_directories(out);
  // Killed at several points: start-up, data loading, inference.
  for (int delay_ms : {50, 250, 600}) {
    const pid_t pid = start_alwann(evaluate_args(out / "r.json", 1) + " --sweep", cache);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ::kill(pid, SIGKILL);
    wait_status(pid);
    INFO("killed after " << delay_ms << " ms");
    CHECK(files_under(out).empty());
    for (const auto& f : files_under(cache)) {
      INFO(f);
      CHECK(f.find(".tmp") == std::string::npos);
    }
  }
  const pid_t again = start_alwann(evaluate_args(out / "r.json", 2), cache);
  CHECK(wait_status(again) == 0);
  CHECK(files_under(out) == std::vector<std::string>{"r.json"});
  CHECK(read_json(out / "r.json")["images"] == 300);
  fs::remove_all(dir);
}

TEST_CASE("robustness: two processes on one cold cache both succeed alike", "[cli][robustness]") {
  const fs::path dir = scratch("shared"), cache = dir / "cache";
  const pid_t a = start_alwann(evaluate_args(dir / "a.json", 1), cache);
  const pid_t b = start_alwann(evaluate_args(dir / "b.json", 1), cache);
  CHECK(wait_status(a) == 0);
  CHECK(wait_status(b) == 0);
  CHECK(results_of(read_json(dir / "a.json")) == results_of(read_json(dir / "b.json")));
  fs::remove_all(dir);
}

TEST_CASE("robustness: evaluate gives the same results at 1 and 2 threads", "[cli][robustness][determinism]") {
  const fs::path dir = scratch("threads");
  REQUIRE(run_alwann(evaluate_args(dir / "t1.json", 1)).status == 0);
  REQUIRE(run_alwann(evaluate_args(dir / "t2.json", 2)).status == 0);
  const auto one = read_json(dir / "t1.json"), two = read_json(dir / "t2.json");
  CHECK(one["threads"] == 1);
  CHECK(two["threads"] == 2);
  CHECK(results_of(one) == results_of(two));
  fs::remove_all(dir);
}


TEST_CASE("robustness: characterize gives the same files at 1 and 2 threads", "[cli][robustness][determinism]") {
  const fs::path dir = scratch("characterize");
  for (int t : {1, 2}) {
    const auto r = run_alwann("characterize --multipliers mul8u_trunc4,mul8u_vct7,mul8u_loa10 --random-ops 20000 --threads " +
                              std::to_string(t) + " --out " + (dir / std::to_string(t)).string());
    INFO(r.err);
    REQUIRE(r.status == 0);
  }
  for (const char* f : {"characterization.json", "characterization.csv"}) {
    INFO(f);
    CHECK(slurp(dir / "1" / f) == slurp(dir / "2" / f));
  }
  fs::remove_all(dir);
}

TEST_CASE("robustness: optimize finds the same front at 1 and 2 threads", "[cli][robustness][determinism]") {
  const fs::path dir = scratch("optimize");
  for (int t : {1, 2}) {
    const auto r = run_alwann("optimize --model " + source_path("models/resnet8.onnx") + " --accelerator " +
                              source_path("configs/accelerators/tile_array_2x16.yaml") +
                              " --multipliers mul8u_exact,mul8u_vct5,mul8u_vct7,mul8u_trunc8 --images 64 --test-images 64"
                              " --population 8 --generations 1 --threads " + std::to_string(t) + " --out " +
                              (dir / std::to_string(t)).string());
    INFO(r.err);
    REQUIRE(r.status == 0);
  }
  // The mapping column names each run's own folder: compare with it masked.
  auto front = [&](const std::string& run) {
    std::string text = slurp(dir / run / "front.csv");
    const std::string folder = (dir / run).string();
    for (std::size_t at; (at = text.find(folder)) != std::string::npos;) text.replace(at, folder.size(), "OUT");
    return text;
  };
  CHECK(front("1").find("OUT/mappings/front_00.yaml") != std::string::npos);
  CHECK(front("1") == front("2"));
  fs::remove_all(dir);
}

namespace {
// Processes whose command line mentions `needle` (the compilers of a run name its cache folder).
int processes_mentioning(const std::string& needle) {
  int found = 0;
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string pid = e.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos || pid == std::to_string(::getpid())) continue;
    std::string cmdline = slurp(e.path() / "cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find(needle) != std::string::npos) ++found;
  }
  return found;
}
}  // namespace

TEST_CASE("robustness: kill -9 while compiling leaves no compiler running, the next run works", "[cli][robustness]") {
  const fs::path dir = scratch("compile"), cache = dir / "cache";
  const std::string args = "characterize --verilog " + source_path("tests/fixtures/rtl/mul8u_trunc3.v") +
                           " --random-ops 20000 --out " + (dir / "out").string();
  const pid_t pid = start_alwann(args, cache);
  // Wait until a compiler works for it (it names the cache folder), then kill alwann alone.
  for (int i = 0; i < 300 && processes_mentioning(cache.string()) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(processes_mentioning(cache.string()) > 0);
  ::kill(pid, SIGKILL);
  wait_status(pid);
  int left = 1;
  for (int i = 0; i < 100 && (left = processes_mentioning(cache.string())) > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(left == 0);  // the guard killed the compiler driver and its cc1plus
  CHECK_FALSE(fs::exists(dir / "out"));
  CHECK(wait_status(start_alwann(args, cache)) == 0);
  CHECK(fs::exists(dir / "out/characterization.json"));
  fs::remove_all(dir);
}

TEST_CASE("robustness: two characterize runs compiling into one cold cache both succeed alike", "[cli][robustness]") {
  const fs::path dir = scratch("shared-compile"), cache = dir / "cache";
  auto args = [&](const char* out) {
    return "characterize --verilog " + source_path("tests/fixtures/rtl/mul8u_trunc3.v") + " --random-ops 20000 --out " +
           (dir / out).string();
  };
  const pid_t a = start_alwann(args("a"), cache);
  const pid_t b = start_alwann(args("b"), cache);
  CHECK(wait_status(a) == 0);
  CHECK(wait_status(b) == 0);
  CHECK(slurp(dir / "a/characterization.json") == slurp(dir / "b/characterization.json"));
  CHECK(slurp(dir / "a/characterization.csv").size() > 100);
  for (const auto& f : files_under(cache)) {
    INFO(f);
    CHECK(f.find(".tmp") == std::string::npos);
  }
  fs::remove_all(dir);
}
