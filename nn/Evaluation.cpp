#include "nn/Evaluation.hpp"

#include "common/Error.hpp"
#include "nn/OnnxImport.hpp"

namespace alwann::nn {

PreparedEvaluation::PreparedEvaluation(const EvaluationSetup& setup, const ProgressFn& progress) : setup_(setup) {
  auto say = [&](const std::string& s) {
    if (progress) progress(s);
  };
  net_ = load_onnx(setup.model_path, setup.import);
  config_ = load_model_config(model_config_path(setup.model_path));
  if (!config_.input_shape.empty() && config_.input_shape != net_->input().output_shape)
    throw file_error(config_.path, "input.shape " + shape_string(config_.input_shape) + " does not match the model input " +
                                       shape_string(net_->input().output_shape));
  data_name_ = !setup.data.empty() ? setup.data : !config_.dataset.empty() ? config_.dataset : "fashion-mnist";
  test_ = load_dataset(data_name_, Split::Test, setup.images);
  const Shape image_shape{test_.channels, test_.height, test_.width};
  if (image_shape != net_->input().output_shape)
    throw file_error(test_.source, "images are " + shape_string(image_shape) + " but model '" + net_->name() +
                                       "' takes " + shape_string(net_->input().output_shape));
  const std::int64_t classes = element_count(net_->layers().back().output_shape);
  check_labels(test_, classes, net_->name());
  say("loaded " + net_->name() + " (" + std::to_string(net_->layers().size()) + " layers) and " +
      std::to_string(test_.size()) + " test images from " + test_.source);

  // Calibration: float ranges over images drawn (seeded) from the training split.
  std::vector<FloatTensor> calib;
  Dataset train;
  if (setup.calibration_images > 0 || setup.validation_images > 0) train = load_dataset(data_name_, Split::Train);
  if (setup.validation_images > 0) check_labels(train, classes, net_->name());
  if (setup.calibration_images > 0) {
    for (std::size_t i : sample_indices(train.size(), setup.calibration_images, setup.calibration_seed))
      calib.push_back(config_.normalise(train.image(i), train.image_size()));
  }
  if (setup.validation_images > 0) {
    // The partial shuffle's first calibration_images entries are the calibration
    // draw itself; validation images come from the rest, with their own seed.
    const std::vector<std::size_t> all = sample_indices(train.size(), train.size(), setup.calibration_seed);
    const std::size_t used = std::min(setup.calibration_images, all.size());
    const std::size_t rest = all.size() - used;
    if (rest < setup.validation_images)
      throw Error("--images " + std::to_string(setup.validation_images) + ": only " + std::to_string(rest) +
                  " training images are left after the " + std::to_string(used) + " calibration images of " + train.source);
    for (std::size_t j : sample_indices(rest, setup.validation_images, setup.validation_seed))
      validation_indices_.push_back(all[used + j]);
  }
  say("calibrating " + std::string(to_string(setup.scheme)) + " on " + std::to_string(calib.size()) + " training images");
  FloatEngine fe(net_);
  q_ = std::make_shared<const QuantizedNetwork>(net_, setup.scheme, measure_ranges(fe, calib, setup.threads));
  for (const auto& x : calib) calibration_codes_.push_back(q_->quantize_input(x));
  test_codes_.resize(test_.size());
  parallel_for(test_.size(), setup.threads, [&](std::size_t i, int) {
    test_codes_[i] = q_->quantize_input(config_.normalise(test_.image(i), test_.image_size()));
  });
  validation_.codes.resize(validation_indices_.size());
  for (std::size_t i : validation_indices_) validation_.labels.push_back(train.labels[i]);
  parallel_for(validation_indices_.size(), setup.threads, [&](std::size_t j, int) {
    const std::size_t i = validation_indices_[j];
    validation_.codes[j] = q_->quantize_input(config_.normalise(train.image(i), train.image_size()));
  });
}

const std::vector<CodeHistogram>& PreparedEvaluation::histograms() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (histograms_.empty()) histograms_ = activation_histograms(IntegerEngine(q_), calibration_codes_, setup_.threads);
  return histograms_;
}

std::vector<LayerMultiplier> PreparedEvaluation::multipliers(const MultiplierAssignment& a, Tune tune,
                                                             const TableResolver& resolve) const {
  std::vector<LayerMultiplier> m(net_->layers().size());
  std::map<std::string, rtl::ProductTablePtr> tables;
  for (int id : net_->approximable_layers()) {
    const std::string name = a.of(net_->layer(id).name);
    if (!tables.count(name)) {
      try {
        tables[name] = resolve(name);
      } catch (const Error& e) {
        a.fail_for_layer(net_->layer(id).name, e.what());  // names the assignment file and line
      }
    }
    LayerMultiplier& lm = m[static_cast<size_t>(id)];
    lm.table = tables[name];
    if (!lm.table || tune == Tune::None) continue;
    if (lm.table->is_signed() != q_->is_signed())
      throw Error("multiplier '" + name + "' is " + (lm.table->is_signed() ? "signed" : "unsigned") + ": scheme " +
                  to_string(q_->scheme()) + " needs " + (q_->is_signed() ? "mul8s_*" : "mul8u_*") + " multipliers");
    if (tune == Tune::Alwann) {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = alwann_remaps_.find(lm.table);
      if (it == alwann_remaps_.end()) it = alwann_remaps_.emplace(lm.table, alwann_weight_remap(*lm.table)).first;
      lm.weight_remap = it->second;
    } else {
      lm.weight_remap = weight_remap(*lm.table, histograms()[static_cast<size_t>(id)]);
    }
  }
  return m;
}

double PreparedEvaluation::accuracy(const std::vector<LayerMultiplier>& multipliers) const {
  const IntegerEngine engine(q_, multipliers);
  const std::vector<int> classes = engine.classify(test_codes_, setup_.threads);
  std::size_t n = 0;
  for (std::size_t i = 0; i < classes.size(); ++i) n += static_cast<std::size_t>(classes[i]) == test_.labels[i];
  return test_codes_.empty() ? 0.0 : 100.0 * static_cast<double>(n) / static_cast<double>(test_codes_.size());
}

double PreparedEvaluation::float_accuracy() const {
  const FloatEngine engine(net_);
  std::vector<std::uint8_t> correct(test_.size(), 0);
  parallel_for(test_.size(), setup_.threads, [&](std::size_t i, int) {
    const FloatTensor y = engine.run(config_.normalise(test_.image(i), test_.image_size()));
    correct[i] = static_cast<std::size_t>(std::max_element(y.begin(), y.end()) - y.begin()) == test_.labels[i];
  });
  std::size_t n = 0;
  for (auto c : correct) n += c;
  return test_.size() == 0 ? 0.0 : 100.0 * static_cast<double>(n) / static_cast<double>(test_.size());
}

}  // namespace alwann::nn
