#include "nn/WeightTuning.hpp"

#include <cstdlib>
#include <limits>

#include "common/Error.hpp"

namespace alwann::nn {

Tune parse_tune(const std::string& name) {
  if (name == "none") return Tune::None;
  if (name == "alwann") return Tune::Alwann;
  if (name == "data") return Tune::Data;
  throw Error("unknown weight update '" + name + "' (known: none, alwann, data)");
}

const char* to_string(Tune t) {
  switch (t) {
    case Tune::None: return "none";
    case Tune::Alwann: return "alwann";
    case Tune::Data: return "data";
  }
  return "?";
}

WeightRemap weight_remap(const rtl::ProductTable& table, const CodeHistogram& p) {
  const bool sgn = table.is_signed();
  auto value = [sgn](int code) { return sgn ? static_cast<int>(static_cast<std::int8_t>(code)) : code; };
  // Only activation codes that occur matter; list them once.
  std::vector<int> xs;
  std::vector<std::int64_t> weight;
  for (int x = 0; x < 256; ++x)
    if (p[static_cast<size_t>(x)] != 0) {
      xs.push_back(x);
      weight.push_back(static_cast<std::int64_t>(p[static_cast<size_t>(x)]));
    }
  // cost[w][w'] as a sum of |exact - approx|: integers, so ties are exact.
  WeightRemap remap = identity_remap();
  std::vector<std::int64_t> cost(256);
  for (int w = 0; w < 256; ++w) {
    const int wv = value(w);
    for (int c = 0; c < 256; ++c) {
      const std::uint16_t* row = table.row(static_cast<std::uint8_t>(c));
      std::int64_t s = 0;
      for (size_t i = 0; i < xs.size(); ++i) {
        const std::int32_t approx = sgn ? static_cast<std::int16_t>(row[xs[i]]) : static_cast<std::int32_t>(row[xs[i]]);
        s += weight[i] * std::abs(value(xs[i]) * wv - approx);
      }
      cost[static_cast<size_t>(c)] = s;
    }
    int best = w;
    for (int c = 0; c < 256; ++c) {
      const std::int64_t a = cost[static_cast<size_t>(c)], b = cost[static_cast<size_t>(best)];
      const int da = std::abs(value(c) - wv), db = std::abs(value(best) - wv);
      if (a < b || (a == b && best != w && (da < db || (da == db && value(c) < value(best))))) best = c;
    }
    remap[static_cast<size_t>(w)] = static_cast<std::uint8_t>(best);
  }
  return remap;
}

WeightRemap alwann_weight_remap(const rtl::ProductTable& table) {
  CodeHistogram uniform;
  uniform.fill(1);
  return weight_remap(table, uniform);
}

}  // namespace alwann::nn
