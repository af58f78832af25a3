#pragma once
// Top-1 accuracy of a network under a multiplier assignment: the pipeline of
// `alwann evaluate`, split so that an optimizer can prepare once (load,
// calibrate, quantise the test images) and then score many assignments.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "nn/Dataset.hpp"
#include "nn/IntegerInference.hpp"
#include "nn/ModelConfig.hpp"
#include "nn/MultiplierAssignment.hpp"
#include "nn/ParallelFor.hpp"
#include "nn/WeightTuning.hpp"

namespace alwann::nn {

struct EvaluationSetup {
  std::string model_path;
  std::string data;                        // "" = the YAML's dataset key, else fashion-mnist
  Scheme scheme = Scheme::TfUint8;
  std::size_t images = 10000;              // the first N test images (fewer if the set is smaller)
  std::size_t calibration_images = 1000;   // drawn from the training split
  std::uint64_t calibration_seed = 1;
  // Held-out images for a search (optimizer/): drawn (seeded) from the
  // training images the calibration did not draw, so they are disjoint from
  // both the calibration images and the test set.
  std::size_t validation_images = 0;
  std::uint64_t validation_seed = 1;
  int threads = default_threads();
  ImportOptions import;
};

// Quantised images with their labels.
struct LabelledCodes {
  std::vector<Codes> codes;
  std::vector<std::uint8_t> labels;
  std::size_t size() const { return codes.size(); }
};

using ProgressFn = std::function<void(const std::string&)>;

class PreparedEvaluation {
 public:
  // Loads model, YAML and data, calibrates on the training images, quantises the test images.
  explicit PreparedEvaluation(const EvaluationSetup& setup, const ProgressFn& progress = {});

  const EvaluationSetup& setup() const { return setup_; }
  const Network& network() const { return *net_; }
  const QuantizedNetworkPtr& quantized() const { return q_; }
  const ModelConfig& config() const { return config_; }
  const Dataset& test_set() const { return test_; }
  std::size_t images() const { return test_codes_.size(); }
  const std::vector<Codes>& test_codes() const { return test_codes_; }  // quantised test images
  std::string data_name() const { return data_name_; }

  const LabelledCodes& validation() const { return validation_; }  // empty unless setup.validation_images > 0
  std::vector<std::size_t> validation_indices() const { return validation_indices_; }  // in the training split

  // Activation-code histograms of the calibration images (computed on first use).
  const std::vector<CodeHistogram>& histograms() const;

  // Per-layer multipliers with the weight update applied (tables from `resolve`).
  std::vector<LayerMultiplier> multipliers(const MultiplierAssignment& a, Tune tune, const TableResolver& resolve) const;

  // Top-1 accuracy in percent on the test images.
  double accuracy(const std::vector<LayerMultiplier>& multipliers) const;  // integer engine
  double float_accuracy() const;                                           // float reference

 private:
  EvaluationSetup setup_;
  NetworkPtr net_;
  ModelConfig config_;
  Dataset test_;
  std::string data_name_;
  QuantizedNetworkPtr q_;
  std::vector<Codes> calibration_codes_, test_codes_;
  LabelledCodes validation_;
  std::vector<std::size_t> validation_indices_;
  mutable std::mutex mutex_;
  mutable std::vector<CodeHistogram> histograms_;
  mutable std::map<rtl::ProductTablePtr, WeightRemap> alwann_remaps_;  // holds its tables: no stale keys
};

}  // namespace alwann::nn
