#pragma once
// A model prepared once (ONNX import, calibration, quantised test images) and
// simulated under many accelerator+mapping pairs: the glue between the nn
// engine and the accelerator models used by `alwann simulate` and `compare`.
// The operands the arrays see (port A: the weight codes after the weight
// update; port B: the im2col activation codes of the first test image) come
// from the bit-true integer engine running the mapping's multipliers), or,
// with OperandSource::Random or when the model has no data set (no YAML
// beside the ONNX, or its data set cannot be read), seeded uniformly random
// codes with a given fraction of zero activations; accuracy is then null. A
// SCALE-Sim topology (mapping/TopologyCsv) runs on random operands only.
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "mapping/AcceleratorConfig.hpp"
#include "mapping/MappingConfig.hpp"
#include "nn/Evaluation.hpp"
#include "sim/Simulator.hpp"

namespace alwann::sim {

// Where the arrays' operand codes come from: auto = the data set when the
// model has one, else random.
enum class OperandSource { Auto, Data, Random };
OperandSource parse_operand_source(const std::string& s);  // "auto" | "data" | "random"

struct ModelRunOptions {
  SimOptions sim;
  int accuracy_images = 0;  // 0: no accuracy
  nn::Tune tune = nn::Tune::Alwann;
};

class ModelSimulation {
 public:
  // `max_images`: test images to quantise (>= every later accuracy_images).
  ModelSimulation(const std::string& model_path, int max_images, nn::Scheme scheme = nn::Scheme::TfUint8,
                  OperandSource source = OperandSource::Auto, double zero_fraction = 0);
  // The same with every preparation choice given (data operands; the search adds validation images).
  explicit ModelSimulation(const nn::EvaluationSetup& setup);
  // A workload without a network (e.g. a SCALE-Sim topology): random operands.
  ModelSimulation(mapping::NetworkWork work, double zero_fraction);

  bool has_data() const { return prep_ != nullptr; }
  bool random_operands() const { return random_; }

  // The quantisation the mappings' multipliers need: int8-symmetric when all
  // are signed (mul8s_*), tf-uint8 when all are unsigned; mixing is an error.
  static nn::Scheme scheme_for(const std::vector<mapping::MappingConfig>& mappings);

  const mapping::NetworkWork& work() const { return work_; }
  const nn::Network& network() const { return prep_ ? prep_->network() : *net_; }  // not for a topology workload

  SimResult run(const mapping::AcceleratorConfig& acc, const mapping::MappingConfig& mapping, const ModelRunOptions& o);

  // The simulation inputs of one pair without running it: the setup with the
  // operands from the engine, and the engine's per-layer multipliers.
  struct PreparedRun {
    SimulationSetup setup;
    std::vector<nn::LayerMultiplier> multipliers;
  };
  PreparedRun prepare(const mapping::AcceleratorConfig& acc, const mapping::MappingConfig& mapping, nn::Tune tune);
  const nn::PreparedEvaluation& prepared() const { return *prep_; }
  nn::Codes first_image() const;  // the quantised input whose activations feed the arrays
  MultiplyEnergyCache& energy_cache() { return cache_; }

 private:
  std::vector<LayerOperandsPtr> operands(const std::vector<nn::LayerMultiplier>& mults, const std::string& key);

  std::unique_ptr<nn::PreparedEvaluation> prep_;  // null without a data set
  nn::NetworkPtr net_;
  bool random_ = false;
  double zero_fraction_ = 0;
  std::vector<LayerOperandsPtr> random_ops_;
  mapping::NetworkWork work_;
  MultiplyEnergyCache cache_;
  std::map<std::string, std::vector<LayerOperandsPtr>> operand_cache_;
};

}  // namespace alwann::sim
