// `alwann optimize` under mpirun on this machine (ctest label `mpi`, built
// only with MPI): the front of 3 ranks equals the single-process front; a
// job killed after generation 1 resumes on 2 ranks to the same front; a
// worker failing on a candidate ends the run with one error line on rank 0.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "../cli/CliSupport.hpp"

using namespace alwann::test;
namespace fs = std::filesystem;

namespace {

const std::string kMpirun = std::string(ALWANN_MPIEXEC) + " --allow-run-as-root --oversubscribe --mca btl_vader_single_copy_mechanism none --timeout 600";

std::string search_args() {
  return "optimize --model " + source_path("models/resnet8.onnx") + " --accelerator " +
         source_path("configs/accelerators/tile_array_2x16.yaml") +
         " --multipliers mul8u_exact,mul8u_trunc2,mul8u_vct5,mul8u_vct7,mul8u_trunc8"
         " --images 64 --test-images 64 --population 8 --generations 2 --seed 5";
}

std::string mpirun(int ranks, const std::string& env = "") {
  return kMpirun + " -np " + std::to_string(ranks) + env + " " + ALWANN_EXE + " ";
}

fs::path fresh_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("alwann-mpi-test-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(d);
  return d;
}

std::string read(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// A file with its folder's path (mapping files name themselves) as "OUT".
std::string read_in(const fs::path& dir, const std::string& file) {
  std::string s = read(dir / file);
  for (std::size_t at; (at = s.find(dir.string())) != std::string::npos;) s.replace(at, dir.string().size(), "OUT");
  return s;
}

// summary.json (its mapping paths as "OUT") less its one timing figure.
nlohmann::json summary(const fs::path& dir) {
  auto j = nlohmann::json::parse(read_in(dir, "summary.json"));
  j.erase("search_seconds");
  return j;
}

// history.csv less the timing and cache columns (cache figures depend on
// which rank evaluated what).
std::vector<std::string> history(const fs::path& dir) {
  std::vector<std::string> rows;
  std::istringstream in(read(dir / "history.csv"));
  for (std::string line; std::getline(in, line);) {
    std::istringstream cells(line);
    std::string cell, kept;
    for (int col = 0; std::getline(cells, cell, ','); ++col)
      if (col < 7) kept += cell + ",";
    rows.push_back(kept);
  }
  return rows;
}

void require_same_search(const fs::path& a, const fs::path& b) {
  REQUIRE(fs::exists(a / "front.json"));
  REQUIRE(fs::exists(b / "front.json"));
  CHECK(read_in(a, "front.json") == read_in(b, "front.json"));
  CHECK(read_in(a, "front.csv") == read_in(b, "front.csv"));
  CHECK(summary(a) == summary(b));
  CHECK(history(a) == history(b));
  CHECK(read_in(a, "mappings/front_00.yaml") == read_in(b, "mappings/front_00.yaml"));
}

int checkpoint_generation(const fs::path& dir) {
  try {
    return nlohmann::json::parse(read(dir / "checkpoint.json")).at("generation").get<int>();
  } catch (const std::exception&) {
    return -1;  // not written yet (written atomically, so never half)
  }
}

}  // namespace

TEST_CASE("3 ranks give the single-process front, a killed job resumes on 2 ranks", "[mpi]") {
  const fs::path single = fresh_dir("single"), ranks3 = fresh_dir("ranks3"), killed = fresh_dir("killed");
  const auto one = run_alwann(search_args() + " --threads 1 --out " + single.string());
  INFO(one.err);
  REQUIRE(one.status == 0);

  const auto three = run_command(mpirun(3) + search_args() + " --out " + ranks3.string());
  INFO(three.err);
  REQUIRE(three.status == 0);
  CHECK(three.err.find("3 MPI ranks") != std::string::npos);
  require_same_search(single, ranks3);

  // Kill the whole job (mpirun and its ranks) once generation 1 is checkpointed.
  const std::string cmd = mpirun(3) + search_args() + " --out " + killed.string() + " >/dev/null 2>&1";
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    setpgid(0, 0);
    execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  setpgid(pid, pid);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (checkpoint_generation(killed) < 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  kill(-pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(checkpoint_generation(killed) == 1);  // killed between generations 1 and 2
  REQUIRE_FALSE(fs::exists(killed / "front.json"));

  const auto resumed = run_command(mpirun(2) + search_args() + " --resume " + killed.string());
  INFO(resumed.err);
  REQUIRE(resumed.status == 0);
  require_same_search(single, killed);
  for (const auto& d : {single, ranks3, killed}) fs::remove_all(d);
}

TEST_CASE("a worker failing on a candidate stops the run with one error line", "[mpi]") {
  const fs::path out = fresh_dir("fail");
  const auto r = run_command(mpirun(3, " -x ALWANN_TEST_FAIL_CANDIDATE=2") + search_args() + " --out " + out.string());
  INFO(r.err);
  CHECK(r.status == 1);
  std::istringstream err(r.err);
  int error_lines = 0;
  for (std::string line; std::getline(err, line);)
    if (line.find("error") != std::string::npos) {
      ++error_lines;
      CHECK(line.rfind("alwann: error: rank ", 0) == 0);
      CHECK(line.find("failed on purpose") != std::string::npos);
    }
  CHECK(error_lines == 1);
  CHECK_FALSE(fs::exists(out / "front.json"));  // no partial output
  fs::remove_all(out);
}
