#pragma once
// Which multiplier each approximable layer uses, by name, and how names
// become product tables. The `--multipliers` argument is either one name
// (every approximable layer uses it) or a YAML file mapping layer names to
// multiplier names:
//
//   conv1: mul8u_trunc4          # a plain map, or the same map under
//   layers: {conv1: ..., ...}    # a `layers:` key; `default: NAME` covers
//   default: mul8u_exact         # approximable layers the file leaves out
//
// Approximable layers left out without a default use exact products. The
// name "exact" always means exact integer products (no table).
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "nn/Network.hpp"
#include "rtl/ProductTable.hpp"

namespace alwann::nn {

struct MultiplierAssignment {
  std::map<std::string, std::string> by_layer;  // layer name -> multiplier name
  // Loaded from a file: its path and the line giving each layer's multiplier
  // (the `default:` line for layers it covers), for errors about a name.
  std::string source;
  std::map<std::string, int> line_of_layer;

  static MultiplierAssignment uniform(const Network& net, const std::string& multiplier);
  // Throws alwann::Error naming the file and the layer for unknown or non-approximable layers.
  static MultiplierAssignment load_yaml(const std::string& path, const Network& net);
  // A YAML path (ends in .yaml/.yml or names an existing file) or one multiplier name.
  static MultiplierAssignment from_argument(const std::string& arg, const Network& net);

  std::string of(const std::string& layer_name) const;  // "exact" when unassigned
  // A short description: the one name when uniform, else "<n> multipliers".
  std::string summary() const;
  // Rethrows an error about the multiplier of `layer_name` prefixed with
  // "<file>:<line>: " when the assignment came from a file.
  [[noreturn]] void fail_for_layer(const std::string& layer_name, const std::string& what) const;
};

// Multiplier name -> product table (nullptr = exact integer products).
using TableResolver = std::function<rtl::ProductTablePtr(const std::string& multiplier)>;

// The built-in library (rtl::MultiplierLibrary::instance()); "exact" -> nullptr.
TableResolver library_resolver();

}  // namespace alwann::nn
