#include "rtl/Characterization.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/Error.hpp"
#include "rtl/GateNetlist.hpp"
#include "rtl/TechModel.hpp"
#include "rtl/ToggleEnergy.hpp"

namespace alwann::rtl {

Characterization characterize(MultiplierLibrary& library, const std::string& name,
                              std::shared_ptr<const TechModel> tech, std::size_t random_operations) {
  Characterization c;
  c.info = library.info(name);
  const ProductTablePtr table = library.table(name);
  c.error = error_metrics(*table);
  if (!c.info.has_netlist) return c;
  const auto netlist = library.netlist(name);
  const std::vector<std::uint16_t> gate_products = netlist->products();  // [a*256 + b]
  for (int a = 0; a < 256; ++a)
    for (int b = 0; b < 256; ++b)
      if (gate_products[a * 256 + b] != table->raw(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b)))
        throw file_error(c.info.verilog_path,
                         fmt::format("gate netlist and Verilated model of '{}' disagree at A={}, B={} ({} vs {})",
                                     name, a, b, gate_products[a * 256 + b],
                                     table->raw(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b))));
  c.energy_uniform_fj = uniform_random_energy_fj(netlist, tech, random_operations);
  c.gates = netlist->gate_count();
  c.gate_counts = netlist->gate_counts();
  const auto& sig = netlist->signals();
  for (size_t s = GateNetlist::kFirstGate; s < sig.size(); ++s) c.area_um2 += tech->area_um2(sig[s].type);
  return c;
}

namespace {
nlohmann::json optional(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }
}  // namespace

nlohmann::json to_json(const Characterization& c) {
  const bool n = c.info.has_netlist;
  return {{"name", c.info.name},
          {"signed", c.info.is_signed},
          {"source", c.info.source},
          {"mae", c.error.mae},
          {"mae_pct", c.error.mae_pct},
          {"wce", c.error.wce},
          {"wce_pct", c.error.wce_pct},
          {"mre_pct", c.error.mre_pct},
          {"ep_pct", c.error.ep_pct},
          {"mse", c.error.mse},
          {"bias", c.error.bias},
          {"has_netlist", n},
          {"energy_uniform_fj", n ? nlohmann::json(c.energy_uniform_fj) : nlohmann::json(nullptr)},
          {"gates", n ? nlohmann::json(c.gates) : nlohmann::json(nullptr)},
          {"gate_counts", c.gate_counts},
          {"area_um2", n ? nlohmann::json(c.area_um2) : nlohmann::json(nullptr)},
          {"library_power_mw", optional(c.info.figures.power_mw)},
          {"library_area_um2", optional(c.info.figures.area_um2)},
          {"library_delay_ns", optional(c.info.figures.delay_ns)}};
}

nlohmann::json to_json(const std::vector<Characterization>& rows, const std::vector<CharacterizationError>& errors) {
  nlohmann::json j{{"multipliers", nlohmann::json::array()}, {"errors", nlohmann::json::array()}};
  for (const auto& c : rows) j["multipliers"].push_back(to_json(c));
  for (const auto& e : errors) j["errors"].push_back({{"file", e.file}, {"reason", e.reason}});
  return j;
}

std::string to_csv(const std::vector<Characterization>& rows) {
  std::string out =
      "name,signed,source,mae,mae_pct,wce,wce_pct,mre_pct,ep_pct,mse,bias,energy_uniform_fj,gates,area_um2,"
      "library_power_mw,library_area_um2,library_delay_ns\n";
  auto opt = [](const std::optional<double>& v) { return v ? fmt::format("{}", *v) : std::string(); };
  for (const auto& c : rows) {
    // Netlist figures of a table-only multiplier are empty cells.
    auto when = [&](auto v) { return c.info.has_netlist ? fmt::format("{}", v) : std::string(); };
    std::string source = c.info.source;
    if (source.find_first_of(",\"") != std::string::npos) {
      std::string q = "\"";
      for (char ch : source) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      source = q + "\"";
    }
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", c.info.name, c.info.is_signed,
                       source, c.error.mae, c.error.mae_pct, c.error.wce, c.error.wce_pct, c.error.mre_pct,
                       c.error.ep_pct, c.error.mse, c.error.bias, when(c.energy_uniform_fj), when(c.gates),
                       when(c.area_um2),
                       opt(c.info.figures.power_mw), opt(c.info.figures.area_um2), opt(c.info.figures.delay_ns));
  }
  return out;
}

}  // namespace alwann::rtl
