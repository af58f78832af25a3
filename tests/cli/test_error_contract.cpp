// The CLI's error contract (README "Errors and exit status"): parser errors
// are one line "alwann: error: ..." with exit 1, ranges read as a person
// writes them, a misspelled command gets a suggestion, --help shows every
// default and environment variable and no build-machine path.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "CliSupport.hpp"

using alwann::test::run_alwann;
using alwann::test::source_path;

namespace {

const std::string kTiny = std::string(ALWANN_SOURCE_DIR) + "/tests/fixtures/nn/tiny_fmnist.onnx";
const std::string kMapping = source_path("configs/mappings/resnet8_tile_array_2x16_exact.yaml");

void check_one_line_error(const std::string& args, const std::string& expected) {
  const auto r = run_alwann(args);
  INFO(args << "\n" << r.err);
  CHECK(r.status == 1);
  CHECK(r.err.rfind("alwann: error: ", 0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.err.find(expected) != std::string::npos);
  CHECK(r.err.find("1797693") == std::string::npos);  // no double-max digits
  CHECK(r.out.empty());
}

}  // namespace

TEST_CASE("error contract: a misspelled or missing command", "[cli][errors]") {
  check_one_line_error("evalute --model m.onnx", "unknown command 'evalute' (did you mean 'evaluate'?)");
  check_one_line_error("simulat", "(did you mean 'simulate'?)");
  check_one_line_error("compre x.yaml", "(did you mean 'compare'?)");
  const auto far = run_alwann("frobnicate");
  CHECK(far.status == 1);
  CHECK(far.err.find("unknown command 'frobnicate'") != std::string::npos);
  CHECK(far.err.find("did you mean") == std::string::npos);
  check_one_line_error("", "no command given");
}

TEST_CASE("error contract: option ranges in words, the same on every command", "[cli][errors]") {
  const std::string ev = "evaluate --model " + kTiny;
  check_one_line_error(ev + " --images -5", "evaluate: --images must be between 1 and 1000000, got -5");
  check_one_line_error(ev + " --images 0", "evaluate: --images must be between 1 and 1000000, got 0");
  check_one_line_error(ev + " --images many", "--images must be a whole number, got 'many'");
  check_one_line_error(ev + " --calibration-images 0", "--calibration-images must be between 1 and 1000000, got 0");
  check_one_line_error(ev + " --threads 100000", "evaluate: --threads must be between 1 and");
  check_one_line_error(ev + " --threads 0", "evaluate: --threads must be between 1 and");
  check_one_line_error("characterize --multipliers mul8u_exact --threads 100000", "characterize: --threads must be between 1 and");
  check_one_line_error("characterize --random-ops 0", "--random-ops must be between 1 and 1000000000");
  const std::string sim = "simulate --model " + source_path("models/resnet8.onnx") + " --mapping " + kMapping;
  check_one_line_error(sim + " --images -5", "simulate: --images must be between 0 and 1000000, got -5");
  check_one_line_error(sim + " --stream 0", "simulate: --stream must be between 1 and 100000, got 0");
  check_one_line_error(sim + " --stream 100000000", "--stream must be between 1 and 100000");
  check_one_line_error(sim + " --samples 2000000000", "--samples must be between 1 and 1048576");
  check_one_line_error(sim + " --detail gate", "--detail");
  check_one_line_error("compare --model " + source_path("models/resnet8.onnx") + " " + kMapping + " --stream 0",
                       "compare: --stream must be between 1 and 100000, got 0");
  check_one_line_error("compare " + kMapping + " --images -1", "compare: --images must be between 0 and 1000000");
  check_one_line_error("evaluate", "evaluate: --model is required");
  check_one_line_error(ev + " --no-such-option", "evaluate: ");
}

TEST_CASE("error contract: --help lists defaults and environment, no build paths", "[cli][errors]") {
  const auto top = run_alwann("--help");
  CHECK(top.status == 0);
  for (const char* var : {"ALWANN_CACHE_DIR", "XDG_CACHE_HOME", "ALWANN_TECH_FILE", "ALWANN_CELLS_FILE", "ALWANN_VERILATOR",
                          "ALWANN_KERNEL", "CXX", "TMPDIR", "HOME", "Exit status"})
    CHECK(top.out.find(var) != std::string::npos);
  const auto ch = run_alwann("characterize --help");
  CHECK(ch.status == 0);
  CHECK(ch.out.find(std::string(ALWANN_SOURCE_DIR) + "/configs") == std::string::npos);  // argv[0] may hold it
  CHECK(ch.out.find("generic45.yaml") != std::string::npos);
  const auto ev = run_alwann("evaluate --help");
  CHECK(ev.status == 0);
  for (const char* def : {"=exact", "=none", "=10000", "=1000\n", "=tf-uint8", "=the model's data set"}) {
    INFO(def);
    CHECK(ev.out.find(def) != std::string::npos);
  }
  const auto si = run_alwann("simulate --help");
  for (const char* def : {"=fold", "=alwann", "=1024", "=auto", "INT:0..1000000=0"}) {
    INFO(def);
    CHECK(si.out.find(def) != std::string::npos);
  }
}

TEST_CASE("error contract: describe-config lists the technology keys with their ranges", "[cli][errors]") {
  const auto r = run_alwann("describe-config --kind technology");
  CHECK(r.status == 0);
  CHECK(r.out.find("gates") != std::string::npos);
  CHECK(r.out.find("calibration_scale") != std::string::npos);
  CHECK(r.out.find("> 0") != std::string::npos);
}

TEST_CASE("error contract: an internal error is one line that says it is a bug, exit 2, no output", "[cli][errors]") {
  const auto dir = alwann::test::scratch_dir("contract", "internal");
  const auto r = alwann::test::run_command("ALWANN_TEST_INTERNAL_ERROR=simulate " + std::string(ALWANN_EXE) +
                                           " simulate --model " + source_path("models/resnet8.onnx") + " --mapping " +
                                           kMapping + " --json " + (dir / "out.json").string());
  INFO(r.err);
  CHECK(r.status == 2);
  CHECK(r.err.rfind("alwann: internal error: ", 0) == 0);
  CHECK(r.err.find("this is a bug in alwann") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.out.empty());
  CHECK(std::filesystem::is_empty(dir));
  // Another command is not affected by the hook.
  const auto other = alwann::test::run_command("ALWANN_TEST_INTERNAL_ERROR=simulate " + std::string(ALWANN_EXE) +
                                               " describe-config");
  CHECK(other.status == 0);
  std::filesystem::remove_all(dir);
}
