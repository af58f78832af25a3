#include "mapping/TopologyCsv.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/Error.hpp"

namespace alwann::mapping {

LayerWork scalesim_layer(int id, std::string name, int H, int W, int fh, int fw, int C, int filters, int stride) {
  LayerWork l;
  l.id = id;
  l.name = std::move(name);
  l.op = H == 1 && W == 1 && fh == 1 && fw == 1 ? "FullyConnected" : "Conv";
  l.approximable = true;
  const int OH = (H - fh) / stride + 1, OW = (W - fw) / stride + 1;
  l.K = fh * fw * C;
  l.N = filters;
  l.T = OH * OW;
  l.macs = static_cast<std::int64_t>(l.T) * l.N * l.K;
  l.in_bytes = static_cast<std::int64_t>(H) * W * C;
  l.out_bytes = static_cast<std::int64_t>(l.T) * filters;
  l.weight_bytes = static_cast<std::int64_t>(l.K) * l.N;
  return l;
}

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

NetworkWork load_topology_csv(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw file_error(path, "is a directory, not a topology CSV file");
  std::ifstream in(path);
  if (!in) throw file_error(path, "cannot read topology file");
  NetworkWork work;
  LayerWork input;
  input.name = "input";
  input.op = "Input";
  work.push_back(input);
  static const char* kFields[] = {"IFMAP Height", "IFMAP Width", "Filter Height", "Filter Width", "Channels", "Num Filter", "Strides"};
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) f.push_back(trim(cell));
    while (!f.empty() && f.back().empty()) f.pop_back();
    if (f.empty()) continue;
    if (f.size() != 8) throw file_error(path, line_no, "expected 8 fields (layer name, ifmap h, ifmap w, filter h, filter w, channels, filters, stride), got " + std::to_string(f.size()));
    int v[7];
    bool numeric = true;
    for (int i = 0; i < 7; ++i) {
      std::size_t used = 0;
      try {
        v[i] = std::stoi(f[i + 1], &used);
      } catch (const std::exception&) {
        used = 0;
      }
      numeric &= used == f[i + 1].size() && used > 0;
    }
    if (!numeric) {
      if (work.size() == 1 && line_no == 1) continue;  // the header
      throw file_error(path, line_no, "layer '" + f[0] + "': every field after the name must be an integer");
    }
    for (int i = 0; i < 7; ++i)
      if (v[i] < 1) throw file_error(path, line_no, "layer '" + f[0] + "': " + kFields[i] + " must be at least 1 (got " + std::to_string(v[i]) + ")");
    if (v[2] > v[0] || v[3] > v[1])
      throw file_error(path, line_no, "layer '" + f[0] + "': filter " + std::to_string(v[2]) + "x" + std::to_string(v[3]) +
                                          " larger than the ifmap " + std::to_string(v[0]) + "x" + std::to_string(v[1]));
    for (const auto& l : work)
      if (l.name == f[0]) throw file_error(path, line_no, "duplicate layer name '" + f[0] + "'");
    const int id = static_cast<int>(work.size());
    LayerWork l = scalesim_layer(id, f[0], v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
    l.preds = {id - 1};
    work.push_back(std::move(l));
  }
  if (work.size() == 1) throw file_error(path, "no layers");
  return work;
}

}  // namespace alwann::mapping
