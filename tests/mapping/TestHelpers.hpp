#pragma once
// Small helpers shared by the mapping tests: temporary YAML files and a
// hand-built ResNet-like layer list.
#include <filesystem>
#include <string>

#include "common/AtomicFile.hpp"
#include "mapping/LayerWork.hpp"

namespace alwann::test {

inline std::string source_path(const std::string& rel) { return std::string(ALWANN_SOURCE_DIR) + "/" + rel; }

// Writes `text` to a file under the build's temp dir and returns its path.
// Atomic (temp file + rename): CTest runs test cases in parallel processes
// that may write the same helper file, and a reader must never see it half written.
inline std::string write_temp(const std::string& name, const std::string& text) {
  const auto p = std::filesystem::path(ALWANN_BINARY_DIR) / "test-tmp" / name;
  write_file_atomically(p.string(), text);
  return p.string();
}

inline std::string tech_line() { return "technology: " + source_path("configs/tech/generic45.yaml") + "\n"; }

// A chain with a residual join: input -> c0 -> c1 -> c2 -> add(c0, c2) -> c3(stride 2) -> fc (vector).
inline mapping::NetworkWork small_network() {
  using mapping::LayerWork;
  mapping::NetworkWork w;
  LayerWork in;
  in.id = 0;
  in.name = "input";
  in.op = "Input";
  in.out_bytes = 16 * 16 * 4;
  w.push_back(in);
  w.push_back(mapping::conv_work(1, "c0", 16, 16, 4, 8, 3, 1, {0}));
  w.push_back(mapping::conv_work(2, "c1", 16, 16, 8, 8, 3, 1, {1}));
  w.push_back(mapping::conv_work(3, "c2", 16, 16, 8, 8, 1, 1, {2}));
  LayerWork add;
  add.id = 4;
  add.name = "add";
  add.op = "Add";
  add.in_bytes = 2 * 16 * 16 * 8;
  add.out_bytes = 16 * 16 * 8;
  add.vector_ops = add.out_bytes;
  add.preds = {1, 3};
  w.push_back(add);
  w.push_back(mapping::conv_work(5, "c3", 16, 16, 8, 16, 3, 2, {4}));
  LayerWork fc;
  fc.id = 6;
  fc.name = "fc";
  fc.op = "FullyConnected";
  fc.in_bytes = 8 * 8 * 16;
  fc.out_bytes = 10;
  fc.vector_ops = 8 * 8 * 16 * 10;
  fc.vector_macs = true;
  fc.preds = {5};
  w.push_back(fc);
  return w;
}

}  // namespace alwann::test
