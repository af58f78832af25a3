// Bad input found by trying the CLI as a new user (issue 11 §1): each is one
// line naming the file/line/node, exit 1, and no output written.
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "CliSupport.hpp"

using alwann::test::run_alwann;
namespace fs = std::filesystem;

namespace {

const std::string kTiny = std::string(ALWANN_SOURCE_DIR) + "/tests/fixtures/nn/tiny_fmnist.onnx";

fs::path scratch(const std::string& name) { return alwann::test::scratch_dir("badinput", name); }

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

// An IDX split of n 28x28 images; labels i % 10 except `odd_label` at `odd_at`.
void write_idx(const fs::path& dir, const std::string& split, int n, int odd_at, int odd_label) {
  std::string img = be32(0x803) + be32(static_cast<std::uint32_t>(n)) + be32(28) + be32(28);
  std::string lbl = be32(0x801) + be32(static_cast<std::uint32_t>(n));
  for (int i = 0; i < n; ++i) {
    for (int p = 0; p < 28 * 28; ++p) img += static_cast<char>((i * 7 + p) & 0xff);
    lbl += static_cast<char>(i == odd_at ? odd_label : i % 10);
  }
  std::ofstream(dir / (split + "-images-idx3-ubyte"), std::ios::binary) << img;
  std::ofstream(dir / (split + "-labels-idx1-ubyte"), std::ios::binary) << lbl;
}

void check_refused(const std::string& args, const std::string& expected) {
  const auto r = run_alwann(args);
  INFO(args << "\n" << r.err);
  CHECK(r.status == 1);
  // Progress lines ("[evaluate] ...") may come first; the error is the one last line.
  const auto last = r.err.rfind('\n', r.err.size() >= 2 ? r.err.size() - 2 : 0);
  const std::string error_line = r.err.substr(last == std::string::npos ? 0 : last + 1);
  CHECK(error_line.rfind("alwann: error: ", 0) == 0);
  CHECK(r.err.find("alwann: error: ") == r.err.rfind("alwann: error: "));
  CHECK(error_line.find(expected) != std::string::npos);
}

}  // namespace

TEST_CASE("bad input: an IDX label beyond the model's outputs names the data set and the model", "[cli][data]") {
  const fs::path d = scratch("idx");
  write_idx(d, "train", 20, -1, 0);
  write_idx(d, "t10k", 20, 3, 200);
  const fs::path json = d / "out.json";
  check_refused("evaluate --model " + kTiny + " --data " + d.string() + " --images 20 --calibration-images 10 --json " +
                    json.string(),
                d.string() + ": label 200 of image 3 is out of range: model 'tiny_fmnist' has 10 outputs");
  CHECK_FALSE(fs::exists(json));
  fs::remove_all(d);
}

TEST_CASE("bad input: assignment files name the file and line", "[cli][assignment]") {
  const fs::path d = scratch("assign");
  std::ofstream(d / "unknown.yaml") << "/conv1/Conv: mul8u_trunc4\n/conv2/Conv: mul8u_nonesuch\n";
  check_refused("evaluate --model " + kTiny + " --images 10 --calibration-images 10 --multipliers " +
                    (d / "unknown.yaml").string(),
                (d / "unknown.yaml").string() + ":2: layer '/conv2/Conv': unknown multiplier 'mul8u_nonesuch'");
  std::ofstream(d / "dup.yaml") << "/conv1/Conv: mul8u_trunc4\n/conv2/Conv: mul8u_trunc2\n/conv1/Conv: mul8u_exact\n";
  check_refused("evaluate --model " + kTiny + " --images 10 --calibration-images 10 --multipliers " +
                    (d / "dup.yaml").string(),
                (d / "dup.yaml").string() + ":3: duplicate key '/conv1/Conv' (first given on line 1)");
  fs::remove_all(d);
}

TEST_CASE("bad input: outputs never replace a FIFO or a directory; a symlink is written through", "[cli][outputs]") {
  const fs::path d = scratch("outputs");
  REQUIRE(::mkfifo((d / "fifo").c_str(), 0600) == 0);
  check_refused("inspect --model " + kTiny + " --json " + (d / "fifo").string(), "is a FIFO");
  CHECK(fs::is_fifo(d / "fifo"));
  // evaluate refuses it before any work (no progress line, so before loading anything).
  const auto ev = run_alwann("evaluate --model " + kTiny + " --json " + (d / "fifo").string());
  CHECK(ev.status == 1);
  CHECK(ev.err.rfind("alwann: error: ", 0) == 0);
  CHECK(ev.err.find("is a FIFO") != std::string::npos);
  fs::create_directories(d / "dir");
  fs::create_directory_symlink(d / "dir", d / "dirlink");
  check_refused("inspect --model " + kTiny + " --json " + (d / "dirlink").string(), "is a directory");
  CHECK(fs::is_symlink(d / "dirlink"));
  CHECK(fs::is_empty(d / "dir"));
  fs::create_symlink("real.json", d / "link.json");
  CHECK(run_alwann("inspect --model " + kTiny + " --json " + (d / "link.json").string()).status == 0);
  CHECK(fs::is_symlink(d / "link.json"));
  CHECK(fs::file_size(d / "real.json") > 100);
  fs::remove_all(d);
}

TEST_CASE("bad input: characterize and simulate validate a technology file alike", "[cli][tech]") {
  const fs::path d = scratch("tech");
  std::ifstream in(alwann::test::source_path("configs/tech/generic45.yaml"));
  const std::string shipped((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string zero = shipped;
  zero.replace(zero.find("calibration_scale: 0.5785"), 25, "calibration_scale: 0");
  std::ofstream(d / "zero.yaml") << zero;
  // Without the `gates` section: cut from "gates:" to the next top-level key.
  const auto gates = shipped.find("\ngates:") + 1;
  auto next = gates;
  do next = shipped.find('\n', next) + 1;
  while (next < shipped.size() && (shipped[next] == ' ' || shipped[next] == '#' || shipped[next] == '\n'));
  std::ofstream(d / "nogates.yaml") << shipped.substr(0, gates) + shipped.substr(next);
  std::ifstream acc_in(alwann::test::source_path("configs/accelerators/tile_array_2x16.yaml"));
  std::string acc((std::istreambuf_iterator<char>(acc_in)), std::istreambuf_iterator<char>());
  const std::string shipped_tech = "configs/tech/generic45.yaml";
  for (const char* tech : {"zero.yaml", "nogates.yaml"}) {
    const std::string expected = std::string(tech) == "zero.yaml" ? "calibration_scale: must be > 0 (got 0)" : "missing section 'gates'";
    check_refused("characterize --multipliers mul8u_exact --tech " + (d / tech).string() + " --out " + (d / "out").string(),
                  expected);
    std::string a = acc;
    a.replace(a.find(shipped_tech), shipped_tech.size(), (d / tech).string());
    std::ofstream(d / "acc.yaml") << a;
    check_refused("simulate --model " + alwann::test::source_path("models/resnet8.onnx") + " --mapping " +
                      alwann::test::source_path("configs/mappings/resnet8_tile_array_2x16_exact.yaml") + " --accelerator " +
                      (d / "acc.yaml").string(),
                  expected);
  }
  CHECK_FALSE(fs::exists(d / "out"));
  fs::remove_all(d);
}
