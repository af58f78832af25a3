#include "sim/ModelSimulation.hpp"

#include "nn/Im2col.hpp"
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

ModelSimulation::ModelSimulation(const std::string& model_path, int max_images, nn::Scheme scheme) {
  nn::EvaluationSetup setup;
  setup.scheme = scheme;
  setup.model_path = model_path;
  setup.images = static_cast<std::size_t>(std::max(1, max_images));
  prep_ = std::make_unique<nn::PreparedEvaluation>(setup);
  work_ = mapping::network_work(prep_->network());
}

ModelSimulation::ModelSimulation(const nn::EvaluationSetup& setup)
    : prep_(std::make_unique<nn::PreparedEvaluation>(setup)), work_(mapping::network_work(prep_->network())) {}

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
  nn::MultiplierAssignment assignment;
  std::string key = nn::to_string(tune);
  for (const auto& w : work_)
    if (w.on_array()) {
      assignment.by_layer[w.name] = p.setup.mapping.multiplier_of_layer(w.id);
      key += "|" + assignment.by_layer[w.name];
    }
  p.multipliers = prep_->multipliers(assignment, tune, nn::library_resolver());
  p.setup.operands = operands(p.multipliers, key);
  return p;
}

SimResult ModelSimulation::run(const mapping::AcceleratorConfig& acc, const mapping::MappingConfig& m,
                               const ModelRunOptions& o) {
  auto p = prepare(acc, m, o.tune);
  SimResult r = simulate(p.setup, o.sim, &cache_);
  if (o.accuracy_images > 0) {
    if (static_cast<std::size_t>(o.accuracy_images) > prep_->images())
      throw Error("--images " + std::to_string(o.accuracy_images) + " exceeds the " + std::to_string(prep_->images()) +
                  " test images prepared");
    r.accuracy = prep_->accuracy(p.multipliers);
  }
  return r;
}

}  // namespace alwann::sim
