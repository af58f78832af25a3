// `alwann inspect` and `alwann evaluate` end to end through the built binary
// (skipped with a warning when the binary has not been built).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "nn_test_support.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kAlwann = std::string(ALWANN_BINARY_DIR) + "/cli/alwann";

struct Run {
  int status;
  std::string out, err;
};

Run run_alwann(const std::string& args) {
  const fs::path dir = fs::temp_directory_path() / ("alwann_test_cli_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string out = (dir / "out").string(), err = (dir / "err").string();
  const int rc = std::system((kAlwann + " " + args + " >" + out + " 2>" + err).c_str());
  auto slurp = [](const std::string& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  Run r{WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, slurp(out), slurp(err)};
  fs::remove_all(dir);
  return r;
}

}  // namespace

TEST_CASE("alwann inspect and evaluate from the command line", "[evaluate][cli]") {
  if (!fs::exists(kAlwann)) {
    WARN(kAlwann << " not built: skipped");
    return;
  }
  const Run ins = run_alwann("inspect --model " + nn_test::fixture("tiny_fmnist.onnx"));
  CHECK(ins.status == 0);
  CHECK_THAT(ins.out, Catch::Contains("/conv3/Conv") && Catch::Contains("112896") &&
                          Catch::Contains("183456 in 3 approximable layers"));

  const fs::path json = fs::temp_directory_path() / ("alwann_test_eval_" + std::to_string(::getpid()) + ".json");
  const Run ev = run_alwann("evaluate --model " + nn_test::fixture("tiny_fmnist.onnx") +
                            " --multipliers mul8u_trunc4 --tune alwann --images 200 --calibration-images 100 --threads 2 --json " +
                            json.string());
  REQUIRE(ev.status == 0);
  CHECK_THAT(ev.out, Catch::Contains("top-1 accuracy: float") && Catch::Contains("wall time"));
  CHECK_THAT(ev.err, Catch::Contains("[evaluate]"));
  std::ifstream in(json);
  const auto j = nlohmann::json::parse(in);
  for (const char* key : {"model", "images", "scheme", "tune", "accuracy_float", "accuracy_exact", "accuracy_approx",
                          "macs_per_image", "seconds", "layers"})
    CHECK(j.contains(key));
  CHECK(j["images"] == 200);
  CHECK(j["tune"] == "alwann");
  CHECK(j["macs_per_image"] == 183616);
  CHECK(j["layers"][0]["multiplier"] == "mul8u_trunc4");
  fs::remove(json);

  const Run bad = run_alwann("inspect --model " + nn_test::fixture("unsupported.onnx"));
  CHECK(bad.status == 1);
  CHECK_THAT(bad.err, Catch::Contains("unsupported op type 'LRN'"));
  const Run no_data = run_alwann("evaluate --model " + nn_test::fixture("tiny_fmnist.onnx") +
                                 " --data /nonexistent/cifar --json " + json.string());
  CHECK(no_data.status == 1);
  CHECK_THAT(no_data.err, Catch::Contains("/nonexistent/cifar"));
  CHECK_FALSE(fs::exists(json));  // no partial output
  const Run wrong_sign = run_alwann("evaluate --model " + nn_test::fixture("tiny_fmnist.onnx") +
                                    " --multipliers mul8s_exact --images 10 --calibration-images 10");
  CHECK(wrong_sign.status == 1);
  CHECK_THAT(wrong_sign.err, Catch::Contains("needs unsigned"));
}
