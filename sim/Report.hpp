#pragma once
// Text and JSON renderings of a SimResult (CLI `simulate` and `compare`).
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "sim/SimTypes.hpp"

namespace alwann::sim {

std::string layer_table(const SimResult& r);    // one line per layer with work
std::string totals_text(const SimResult& r);
nlohmann::json to_json(const SimResult& r);

}  // namespace alwann::sim
