#pragma once
// ONNX model import: the supported operators become layers of a Network (see
// nn/Layer.hpp for the op list and the folding rules). Anything else is an
// alwann::Error naming the op type and node; an unreadable, corrupt or
// non-ONNX file is an alwann::Error naming the path.
#include <string>

#include "nn/Network.hpp"

namespace alwann::nn {

NetworkPtr load_onnx(const std::string& path, const ImportOptions& options = {});

// Same, from the serialized bytes (`origin` names the source in messages).
NetworkPtr load_onnx_bytes(const std::string& bytes, const std::string& origin,
                           const ImportOptions& options = {});

}  // namespace alwann::nn
