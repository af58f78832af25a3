// Data sets (IDX gzipped and plain, CIFAR-10 binary) on small files written
// here, the installed Fashion-MNIST, model YAML and multiplier assignments.
#include <catch2/catch.hpp>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <unistd.h>

#include "nn/Dataset.hpp"
#include "nn/ModelConfig.hpp"
#include "nn/MultiplierAssignment.hpp"
#include "nn_test_support.hpp"

using namespace alwann::nn;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& tag) {
    path = fs::temp_directory_path() / ("alwann_test_nn_" + tag + "_" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(const std::string& f) const { return (path / f).string(); }
};

void write(const std::string& path, const std::string& bytes, bool gz = false) {
  if (gz) {
    gzFile f = gzopen(path.c_str(), "wb");
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
  } else {
    std::ofstream(path, std::ios::binary) << bytes;
  }
}

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

// n images of h x w with pixel (i, p) = i + p, labels i % 10.
void write_idx(const TempDir& d, const std::string& split, int n, int h, int w, bool gz) {
  std::string img = be32(0x803) + be32(static_cast<std::uint32_t>(n)) + be32(static_cast<std::uint32_t>(h)) + be32(static_cast<std::uint32_t>(w));
  std::string lbl = be32(0x801) + be32(static_cast<std::uint32_t>(n));
  for (int i = 0; i < n; ++i) {
    for (int p = 0; p < h * w; ++p) img += static_cast<char>((i + p) & 0xff);
    lbl += static_cast<char>(i % 10);
  }
  const std::string ext = gz ? ".gz" : "";
  write(d / (split + "-images-idx3-ubyte" + ext), img, gz);
  write(d / (split + "-labels-idx1-ubyte" + ext), lbl, gz);
}

std::string cifar_records(int n, int first_label) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    s += static_cast<char>((first_label + i) % 10);
    for (int c = 0; c < 3; ++c)
      for (int p = 0; p < 1024; ++p) s += static_cast<char>((c * 50 + i + p) & 0xff);
  }
  return s;
}

}  // namespace

TEST_CASE("IDX data sets load gzipped and plain", "[data]") {
  for (bool gz : {true, false}) {
    TempDir d(gz ? "idxgz" : "idx");
    write_idx(d, "t10k", 7, 4, 5, gz);
    write_idx(d, "train", 12, 4, 5, gz);
    const Dataset test = load_dataset(d.path.string(), Split::Test);
    CHECK(test.format == "idx");
    CHECK(test.size() == 7);
    CHECK(test.channels == 1);
    CHECK(test.height == 4);
    CHECK(test.width == 5);
    CHECK(test.image(3)[2] == 5);
    CHECK(test.labels[6] == 6);
    CHECK(load_dataset(d.path.string(), Split::Train).size() == 12);
    const Dataset few = load_dataset(d.path.string(), Split::Train, 3);
    CHECK(few.size() == 3);
    CHECK(few.pixels.size() == 3 * 20);
  }
}

TEST_CASE("CIFAR-10 binary batches load as CHW images", "[data]") {
  TempDir d("cifar");
  fs::create_directories(d.path / "cifar-10-batches-bin");
  write(d / "cifar-10-batches-bin/test_batch.bin", cifar_records(4, 0));
  write(d / "cifar-10-batches-bin/data_batch_1.bin", cifar_records(3, 0));
  write(d / "cifar-10-batches-bin/data_batch_2.bin", cifar_records(2, 5));
  const Dataset test = load_dataset(d.path.string(), Split::Test);
  CHECK(test.format == "cifar10");
  CHECK(test.size() == 4);
  CHECK(test.image_size() == 3072);
  CHECK(test.image(2)[1024 + 7] == 50 + 2 + 7);  // green plane
  CHECK(test.labels == std::vector<std::uint8_t>{0, 1, 2, 3});
  const Dataset train = load_dataset(d.path.string(), Split::Train);
  CHECK(train.size() == 5);
  CHECK(train.labels[4] == 6);
  CHECK(load_dataset(d.path.string(), Split::Train, 4).size() == 4);
}

TEST_CASE("bad data sets are rejected naming the path", "[data][errors]") {
  using nn_test::error_of;
  CHECK_THAT(error_of([] { load_dataset("/nonexistent/data", Split::Test); }),
             Catch::Contains("/nonexistent/data") && Catch::Contains("not found"));
  TempDir d("bad");
  CHECK_THAT(error_of([&] { load_dataset(d.path.string(), Split::Test); }), Catch::Contains("no IDX"));
  write(d / "t10k-images-idx3-ubyte", be32(0x1234) + std::string(12, '\0'));
  write(d / "t10k-labels-idx1-ubyte", be32(0x801) + be32(1) + "x");
  CHECK_THAT(error_of([&] { load_dataset(d.path.string(), Split::Test); }),
             Catch::Contains("t10k-images-idx3-ubyte") && Catch::Contains("bad magic"));
  CHECK_THAT(error_of([&] { load_dataset(d.path.string(), Split::Train); }),
             Catch::Contains("train-images-idx3-ubyte") && Catch::Contains("not found"));
  TempDir c("badcifar");
  write(c / "test_batch.bin", std::string(100, '\0'));
  CHECK_THAT(error_of([&] { load_dataset(c.path.string(), Split::Test); }), Catch::Contains("test_batch.bin"));
}

TEST_CASE("the installed Fashion-MNIST loads", "[data][fashion-mnist]") {
  const Dataset d = load_dataset("fashion-mnist", Split::Test);
  CHECK(d.size() == 10000);
  CHECK(d.height == 28);
  CHECK(d.width == 28);
  CHECK(*std::max_element(d.labels.begin(), d.labels.end()) == 9);
  CHECK(d.labels[0] == 9);  // the first test image is an ankle boot
}

TEST_CASE("calibration samples are seeded and distinct", "[data]") {
  const auto a = sample_indices(1000, 100, 7), b = sample_indices(1000, 100, 7), c = sample_indices(1000, 100, 8);
  CHECK(a == b);
  CHECK(a != c);
  CHECK(std::set<std::size_t>(a.begin(), a.end()).size() == 100);
  CHECK(sample_indices(5, 10, 1).size() == 5);
}

TEST_CASE("model YAML gives the normalisation", "[data][yaml]") {
  CHECK(model_config_path("models/resnet8.onnx") == "models/resnet8.yaml");
  const ModelConfig c = load_model_config(nn_test::fixture("tiny_fmnist.yaml"));
  CHECK(c.input_shape == Shape{1, 28, 28});
  CHECK(c.dataset == "fashion-mnist");
  CHECK(c.classes.size() == 10);
  const std::uint8_t px[2] = {0, 255};
  const auto x = c.normalise(px, 2);
  CHECK(x[0] == Approx(-c.mean[0] / c.std[0]));
  CHECK(x[1] == Approx((1.0f - c.mean[0]) / c.std[0]));

  TempDir d("yaml");
  write(d / "bad.yaml", "input:\n  shape: [3, 4, 4]\n  layout: NHWC\n");
  CHECK_THAT(nn_test::error_of([&] { load_model_config(d / "bad.yaml"); }), Catch::Contains("NHWC"));
  write(d / "broken.yaml", "input: [unclosed\n");
  CHECK_THAT(nn_test::error_of([&] { load_model_config(d / "broken.yaml"); }), Catch::Contains("broken.yaml:"));
  CHECK_THAT(nn_test::error_of([&] { load_model_config(d / "missing.yaml"); }),
             Catch::Contains("missing.yaml") && Catch::Contains("not found"));
  write(d / "rgb.yaml", "input: {shape: [3, 1, 1], scale: 1, mean: [1, 2, 3], std: [1, 2, 4]}\n");
  const std::uint8_t rgb[3] = {5, 6, 7};
  CHECK(load_model_config(d / "rgb.yaml").normalise(rgb, 3) == std::vector<float>{4.0f, 2.0f, 1.0f});
}

TEST_CASE("multiplier assignments from a name or a YAML file", "[data][assignment]") {
  auto net = load_onnx(nn_test::fixture("ops_all.onnx"));
  const auto u = MultiplierAssignment::from_argument("mul8u_trunc4", *net);
  CHECK(u.by_layer.size() == 4);
  CHECK(u.of("conv1") == "mul8u_trunc4");
  CHECK(u.of("fc_gemm") == "exact");
  CHECK(u.summary() == "mul8u_trunc4");
  TempDir d("assign");
  write(d / "a.yaml", "conv1: mul8u_a\nconv_dw: mul8u_b\n");
  const auto a = MultiplierAssignment::from_argument(d / "a.yaml", *net);
  CHECK(a.of("conv_dw") == "mul8u_b");
  CHECK(a.of("conv_s2") == "exact");
  CHECK(a.summary() == "2 multipliers");
  write(d / "b.yaml", "layers:\n  conv1: mul8u_a\ndefault: mul8u_c\n");
  const auto b = MultiplierAssignment::from_argument(d / "b.yaml", *net);
  CHECK(b.of("conv1") == "mul8u_a");
  CHECK(b.of("conv_s2") == "mul8u_c");
  write(d / "c.yaml", "conv1: mul8u_a\nconv9: mul8u_a\n");
  CHECK_THAT(nn_test::error_of([&] { MultiplierAssignment::from_argument(d / "c.yaml", *net); }),
             Catch::Contains("c.yaml:2") && Catch::Contains("no layer named 'conv9'"));
  write(d / "e.yaml", "fc_gemm: mul8u_a\n");
  CHECK_THAT(nn_test::error_of([&] { MultiplierAssignment::from_argument(d / "e.yaml", *net); }),
             Catch::Contains("not approximable"));
  CHECK_THAT(nn_test::error_of([&] { MultiplierAssignment::from_argument(d / "none.yaml", *net); }),
             Catch::Contains("none.yaml"));
}

TEST_CASE("labels are checked against the model's outputs, naming both", "[data][labels]") {
  TempDir d("labels");
  write_idx(d, "t10k", 12, 2, 2, false);  // labels 0..9, 0, 1
  const Dataset ds = load_dataset(d.path.string(), Split::Test);
  CHECK_NOTHROW(check_labels(ds, 10, "ten_classes"));
  CHECK_THAT(nn_test::error_of([&] { check_labels(ds, 3, "three_outputs"); }),
             Catch::Contains(d.path.string()) && Catch::Contains("label 3 of image 3") && Catch::Contains("'three_outputs' has 3 outputs"));
  // An IDX label byte of 200 (any byte is valid IDX) against a 10-output model.
  Dataset bad = ds;
  bad.labels[5] = 200;
  CHECK_THAT(nn_test::error_of([&] { check_labels(bad, 10, "tiny"); }),
             Catch::Contains("label 200 of image 5 is out of range") && Catch::Contains("labels 0..9"));
}

TEST_CASE("assignment files: duplicate layers and unknown multipliers name the file and line", "[data][assignment]") {
  auto net = load_onnx(nn_test::fixture("ops_all.onnx"));
  TempDir d("assign_lines");
  write(d / "dup.yaml", "conv1: mul8u_a\nconv_dw: mul8u_b\nconv1: mul8u_c\n");
  CHECK_THAT(nn_test::error_of([&] { MultiplierAssignment::from_argument(d / "dup.yaml", *net); }),
             Catch::Contains("dup.yaml:3: duplicate key 'conv1' (first given on line 1)"));
  write(d / "lines.yaml", "# comment\nconv1: mul8u_a\ndefault: mul8u_d\n");
  const auto a = MultiplierAssignment::from_argument(d / "lines.yaml", *net);
  CHECK_THAT(nn_test::error_of([&] { a.fail_for_layer("conv1", "unknown multiplier 'mul8u_a'"); }),
             Catch::Contains("lines.yaml:2: layer 'conv1': unknown multiplier 'mul8u_a'"));
  CHECK_THAT(nn_test::error_of([&] { a.fail_for_layer("conv_dw", "unknown multiplier 'mul8u_d'"); }),
             Catch::Contains("lines.yaml:3: layer 'conv_dw'"));
  const auto u = MultiplierAssignment::uniform(*net, "mul8u_x");
  CHECK(nn_test::error_of([&] { u.fail_for_layer("conv1", "unknown multiplier 'mul8u_x'"); }) ==
        "unknown multiplier 'mul8u_x'");
}
