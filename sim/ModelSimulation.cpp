#include "sim/ModelSimulation.hpp"

#include <filesystem>

#include "nn/Im2col.hpp"
#include "nn/OnnxImport.hpp"
#include "rtl/MultiplierLibrary.hpp"

namespace alwann::sim {

nn::Scheme ModelSimulation::scheme_for(const std::vector<mapping::MappingConfig>& mappings) {
  auto& lib = rtl::MultiplierLibrary::instance();
  int is_signed = 0, is_unsigned = 0;
  std::string first_signed, first_unsigned;
  for (const auto& m : mappings)
    for (const auto& entry : m.unit_multipliers) {
      const std::string name = entry.substr(entry.find('=') == std::string::npos ? 0 : entry.find('=') + 1);
      if (name.empty() || !lib.contains(name)) continue;  // reported with its line when resolved
      if (lib.info(name).is_signed) {
        ++is_signed;
        if (first_signed.empty()) first_signed = m.path + ": " + name;
      } else {
        ++is_unsigned;
        if (first_unsigned.empty()) first_unsigned = m.path + ": " + name;
      }
    }
  if (is_signed && is_unsigned)
    throw Error("signed and unsigned multipliers mixed (" + first_signed + ", " + first_unsigned +
                "): one quantisation scheme per run");
  return is_signed ? nn::Scheme::Int8Symmetric : nn::Scheme::TfUint8;
}

OperandSource parse_operand_source(const std::string& s) {
  if (s == "auto") return OperandSource::Auto;
  if (s == "data") return OperandSource::Data;
  if (s == "random") return OperandSource::Random;
  throw Error("--operands must be auto, data or random (got '" + s + "')");
}

namespace {

// Whether the model has a readable data set matching its input: the YAML
// beside the ONNX and the data set it names (fashion-mnist by default).
bool data_available(const std::string& model_path, const nn::Network& net) {
  const std::string yaml = nn::model_config_path(model_path);
  std::error_code ec;
  if (!std::filesystem::exists(yaml, ec)) return false;
  try {
    const auto config = nn::load_model_config(yaml);
    const auto test = nn::load_dataset(config.dataset.empty() ? "fashion-mnist" : config.dataset, nn::Split::Test, 1);
    return nn::Shape{test.channels, test.height, test.width} == net.input().output_shape;
  } catch (const Error&) {
    return false;
  }
}

void check_zero_fraction(double z) {
  if (!(z >= 0 && z <= 1)) throw Error("--zero-fraction must be in [0, 1] (got " + std::to_string(z) + ")");
}

}  // namespace

ModelSimulation::ModelSimulation(const std::string& model_path, int max_images, nn::Scheme scheme, OperandSource source,
                                 double zero_fraction)
    : zero_fraction_(zero_fraction) {
  check_zero_fraction(zero_fraction);
  net_ = nn::load_onnx(model_path);
  // Data operands, or accuracy beside random operands, need the data set.
  const bool want_data = source == OperandSource::Data || max_images > 0 || source == OperandSource::Auto;
  if (want_data && (source == OperandSource::Data || data_available(model_path, *net_))) {
    nn::EvaluationSetup setup;
    setup.scheme = scheme;
    setup.model_path = model_path;
    setup.images = static_cast<std::size_t>(std::max(1, max_images));
    prep_ = std::make_unique<nn::PreparedEvaluation>(setup);  // reports a missing YAML or data set itself
  }
  random_ = source == OperandSource::Random || !prep_;
  work_ = mapping::network_work(*net_);
}

ModelSimulation::ModelSimulation(const nn::EvaluationSetup& setup)
    : prep_(std::make_unique<nn::PreparedEvaluation>(setup)), work_(mapping::network_work(prep_->network())) {}

ModelSimulation::ModelSimulation(mapping::NetworkWork work, double zero_fraction)
    : random_(true), zero_fraction_(zero_fraction), work_(std::move(work)) {
  check_zero_fraction(zero_fraction);
}


std::vector<LayerOperandsPtr> ModelSimulation::operands(const std::vector<nn::LayerMultiplier>& mults,
                                                         const std::string& key) {
  const auto it = operand_cache_.find(key);
  if (it != operand_cache_.end()) return it->second;
  const auto& q = *prep_->quantized();
  const auto& net = prep_->network();
  nn::IntegerEngine engine(prep_->quantized(), mults);
  std::vector<nn::Codes> acts;
  engine.run(first_image(), &acts);
  std::vector<LayerOperandsPtr> ops(work_.size());
  for (const auto& w : work_) {
    if (!w.on_array()) continue;
    const nn::Layer& l = net.layer(w.id);
    const int pred = l.predecessors.at(0);
    const nn::Codes& in = acts.at(static_cast<std::size_t>(pred));
    const auto pad = static_cast<std::uint8_t>(q.layer(pred).output.zero_point);
    const nn::Codes& weights = engine.port_a_weights(w.id);
    auto o = std::make_shared<LayerOperands>();
    for (int g = 0; g < w.groups; ++g) {
      std::vector<std::uint8_t> x(static_cast<std::size_t>(w.T) * w.K);
      if (l.op == nn::OpKind::Conv) {
        const auto xt = nn::im2col_columns<std::uint8_t>(l, in.data(), g, pad);
        for (int k = 0; k < w.K; ++k)
          for (int m = 0; m < w.T; ++m) x[static_cast<std::size_t>(m) * w.K + k] = xt[static_cast<std::size_t>(k) * w.T + m];
      } else {
        std::copy(in.begin(), in.begin() + w.K, x.begin());
      }
      const auto first = weights.begin() + static_cast<std::ptrdiff_t>(g) * w.N * w.K;
      o->weights.emplace_back(first, first + static_cast<std::ptrdiff_t>(w.N) * w.K);
      o->activations.push_back(std::move(x));
    }
    o->content_key = operand_content_key(*o);
    ops[w.id] = o;
  }
  // A search prepares thousands of mappings: keep the memory bounded.
  if (operand_cache_.size() >= 256) operand_cache_.clear();
  operand_cache_[key] = ops;
  return ops;
}

nn::Codes ModelSimulation::first_image() const {
  const auto& test = prep_->test_set();
  return prep_->quantized()->quantize_input(prep_->config().normalise(test.image(0), test.image_size()));
}

ModelSimulation::PreparedRun ModelSimulation::prepare(const mapping::AcceleratorConfig& acc,
                                                      const mapping::MappingConfig& m, nn::Tune tune) {
  PreparedRun p{SimulationSetup::make(acc, work_, m), {}};
  if (random_) {
    if (random_ops_.empty()) random_ops_ = sim::random_operands(work_, 1, zero_fraction_);
    p.setup.operands = random_ops_;
    if (!prep_) return p;
  }
  nn::MultiplierAssignment assignment;
  std::string key = nn::to_string(tune);
  for (const auto& w : work_)
    if (w.on_array()) {
      assignment.by_layer[w.name] = p.setup.mapping.multiplier_of_layer(w.id);
      key += "|" + assignment.by_layer[w.name];
    }
  p.multipliers = prep_->multipliers(assignment, tune, nn::library_resolver());
  if (!random_) p.setup.operands = operands(p.multipliers, key);
  return p;
}

SimResult ModelSimulation::run(const mapping::AcceleratorConfig& acc, const mapping::MappingConfig& m,
                               const ModelRunOptions& o) {
  auto p = prepare(acc, m, o.tune);
  SimResult r = simulate(p.setup, o.sim, &cache_);
  r.operands = random_ ? "random" : "data";
  if (o.accuracy_images > 0 && prep_) {
    r.accuracy_images = o.accuracy_images;
    if (static_cast<std::size_t>(o.accuracy_images) > prep_->images())
      throw Error("--images " + std::to_string(o.accuracy_images) + " exceeds the " + std::to_string(prep_->images()) +
                  " test images prepared");
    r.accuracy = prep_->accuracy(p.multipliers);
  }
  return r;
}

}  // namespace alwann::sim
