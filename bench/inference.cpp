// End-to-end bit-true inference: the exact integer path and the product-table
// path measured in the same run on the shipped ResNets (10k Fashion-MNIST
// test images by default), plus the preparation (load, calibrate, quantise)
// and, for ResNet-8, the product-table time by batch size (images per GEMM).
// Usage: bench_inference [images] [multiplier]   (ALWANN_KERNEL picks the path)
#include <fmt/core.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "nn/Evaluation.hpp"
#include "nn/kernels/ApproxGemm.hpp"

using namespace alwann;
using Clock = std::chrono::steady_clock;

namespace {
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
}  // namespace

int main(int argc, char** argv) {
  const std::size_t images = argc > 1 ? std::stoul(argv[1]) : 10000;
  const std::string multiplier = argc > 2 ? argv[2] : "mul8u_vct7";
  fmt::print("kernel path: {}; approximate multiplier: {}; batch {} images\n", nn::to_string(nn::best_kernel_path()),
             multiplier, nn::IntegerEngine::kDefaultBatch);
  for (const char* model : {"resnet8", "resnet20"}) {
    const std::string path = std::string(ALWANN_SOURCE_DIR) + "/models/" + model + ".onnx";
    if (!std::filesystem::exists(path)) {
      fmt::print("{}: {} missing, skipped\n", model, path);
      continue;
    }
    nn::EvaluationSetup setup;
    setup.model_path = path;
    setup.images = images;
    auto t0 = Clock::now();
    nn::PreparedEvaluation prepared(setup);
    const double prepare_s = seconds_since(t0);
    std::int64_t macs = 0;
    for (const auto& l : prepared.network().layers()) macs += l.macs;
    const double total = static_cast<double>(macs) * static_cast<double>(prepared.images());
    const auto resolve = nn::library_resolver();
    const auto& net = prepared.network();
    t0 = Clock::now();
    const auto exact = prepared.multipliers(nn::MultiplierAssignment::uniform(net, "exact"), nn::Tune::None, resolve);
    const auto approx = prepared.multipliers(nn::MultiplierAssignment::uniform(net, multiplier), nn::Tune::None, resolve);
    const double tables_s = seconds_since(t0);
    t0 = Clock::now();
    const double exact_acc = prepared.accuracy(exact);
    const double exact_s = seconds_since(t0);
    t0 = Clock::now();
    const double approx_acc = prepared.accuracy(approx);
    const double approx_s = seconds_since(t0);
    fmt::print("{}: {} images x {:.2f} M MAC, {} threads; prepare (load, calibrate on {} images, quantise) {:.2f} s, "
               "tables and weight layouts {:.2f} s\n",
               model, prepared.images(), macs / 1e6, setup.threads, setup.calibration_images, prepare_s, tables_s);
    fmt::print("  exact integer   {:7.2f} s  {:6.2f} GMAC/s  top-1 {:.2f} %\n", exact_s, total / exact_s / 1e9, exact_acc);
    fmt::print("  product table   {:7.2f} s  {:6.2f} GMAC/s  top-1 {:.2f} %  (table/exact speed {:.2f}; goal >= 20 GMAC/s)\n",
               approx_s, total / approx_s / 1e9, approx_acc, exact_s / approx_s);
    fmt::print("  everything, product table: {:.2f} s (prepare + tables + inference)\n", prepare_s + tables_s + approx_s);
    if (std::string(model) != "resnet8") continue;
    const nn::IntegerEngine engine(prepared.quantized(), approx);
    fmt::print("  product table by batch size:");
    for (int batch : {1, 4, 16, 64}) {
      t0 = Clock::now();
      engine.classify(prepared.test_codes(), setup.threads, batch);
      const double s = seconds_since(t0);
      fmt::print("  {} -> {:.2f} s ({:.1f} GMAC/s)", batch, s, total / s / 1e9);
    }
    fmt::print("\n");
  }
  return 0;
}
