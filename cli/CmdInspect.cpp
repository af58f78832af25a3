// alwann inspect: the layer table of an ONNX model as alwann sees it.
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "cli/CommandRegistry.hpp"
#include "common/AtomicFile.hpp"
#include "nn/OnnxImport.hpp"

namespace alwann::cli {
namespace {

std::string geometry(const nn::Layer& l) {
  if (l.kernel_h == 0 || l.op == nn::OpKind::GlobalAveragePool) return "";
  std::string s = fmt::format("k{}x{} s{}", l.kernel_h, l.kernel_w, l.stride_h);
  if (l.stride_w != l.stride_h) s += fmt::format("x{}", l.stride_w);
  if (l.pad_top || l.pad_left || l.pad_bottom || l.pad_right)
    s += fmt::format(" p{},{},{},{}", l.pad_top, l.pad_left, l.pad_bottom, l.pad_right);
  if (l.groups > 1) s += fmt::format(" g{}", l.groups);
  return s;
}

nlohmann::json layer_json(const nn::Layer& l) {
  return {{"id", l.id}, {"name", l.name}, {"op", nn::op_name(l.op)}, {"onnx_op", l.onnx_op},
          {"input_shape", l.input_shape}, {"output_shape", l.output_shape}, {"kernel", {l.kernel_h, l.kernel_w}},
          {"stride", {l.stride_h, l.stride_w}}, {"pads", {l.pad_top, l.pad_left, l.pad_bottom, l.pad_right}},
          {"groups", l.groups}, {"macs", l.macs}, {"approximable", l.approximable}, {"predecessors", l.predecessors}};
}

const CommandRegistration reg{
    "inspect", "Print the layer table of an ONNX model (shapes, MACs, approximable layers)", [](CLI::App& sub) {
      auto model = std::make_shared<std::string>();
      auto json_out = std::make_shared<std::string>();
      auto approximate_fc = std::make_shared<bool>(false);
      sub.add_option("--model", *model, "ONNX model file")->required();
      sub.add_flag("--approximate-fc", *approximate_fc,
                   "count fully connected layers as approximable (the paper keeps them exact)");
      sub.add_option("--json", *json_out, "also write the layer table as JSON")->default_str("none");
      return [=]() {
        nn::ImportOptions opt;
        opt.keep_fully_connected_exact = !*approximate_fc;
        const auto net = nn::load_onnx(*model, opt);
        fmt::print("model {} ({}): {} layers, input {}\n", net->name(), *model, net->layers().size(),
                   nn::shape_string(net->input().output_shape));
        size_t w = 4;  // name column as wide as the longest name
        for (const auto& l : net->layers()) w = std::max(w, l.name.size());
        fmt::print("{:>3}  {:<{}} {:<18} {:<12} {:<12} {:<18} {:>12}  {}\n", "id", "name", w, "op", "input", "output",
                   "kernel", "MACs", "approx");
        nlohmann::json layers = nlohmann::json::array();
        for (const auto& l : net->layers()) {
          fmt::print("{:>3}  {:<{}} {:<18} {:<12} {:<12} {:<18} {:>12}  {}\n", l.id, l.name, w, nn::op_name(l.op),
                     nn::shape_string(l.input_shape), nn::shape_string(l.output_shape), geometry(l), l.macs,
                     l.approximable ? "yes" : "-");
          layers.push_back(layer_json(l));
        }
        fmt::print("total {} MACs per image, {} in {} approximable layers\n", net->total_macs(),
                   net->approximable_macs(), net->approximable_layers().size());
        if (!json_out->empty()) {
          const nlohmann::json j{{"model", net->name()}, {"path", *model}, {"macs_per_image", net->total_macs()},
                                 {"approximable_macs", net->approximable_macs()}, {"layers", layers}};
          write_file_atomically(*json_out, j.dump(2) + "\n");
        }
        return 0;
      };
    }};

}  // namespace
}  // namespace alwann::cli
