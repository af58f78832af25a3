#pragma once
// SCALE-Sim topology files as a workload: one layer per line,
//   Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,
// (a header line, blank lines and a trailing comma allowed). As in SCALE-Sim
// the ifmap is given already padded: OH = (H - fh) / stride + 1, likewise OW;
// a fully connected layer is a 1x1 ifmap with a 1x1 filter and Channels
// inputs. The layers form a chain after an Input entry, all on the arrays.
// Errors name the file and line.
#include <string>

#include "mapping/LayerWork.hpp"

namespace alwann::mapping {

NetworkWork load_topology_csv(const std::string& path);

// One SCALE-Sim layer as work (shared with tests): the GEMM K = fh*fw*C,
// N = filters, T = OH*OW.
LayerWork scalesim_layer(int id, std::string name, int H, int W, int fh, int fw, int C, int filters, int stride);

}  // namespace alwann::mapping
