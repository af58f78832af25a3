#include "rtl/VerilogHeader.hpp"

#include <regex>

namespace alwann::rtl {

namespace {

// `key` is a regex fragment; the first number after "=" is the figure.
std::optional<double> figure(const std::string& text, const char* key) {
  const std::regex re(std::string("//\\s*") + key + "\\s*=\\s*([0-9.eE+-]+)");
  std::smatch m;
  if (!std::regex_search(text, m, re)) return std::nullopt;
  try {
    return std::stod(m[1].str());
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace

LibraryFigures read_library_figures(const std::string& verilog_text) {
  // Figures sit in the header: a multi-megabyte netlist is not scanned.
  const std::string text = verilog_text.substr(0, 16384);
  LibraryFigures f{figure(text, "PDK45_PWR"), figure(text, "PDK45_AREA"), figure(text, "PDK45_DELAY")};
  // The older technology-mapped set (reference §3): "Power (45) = 189.60" in
  // uW, "Area (45)" in um2, "Delay (45)" in ns; the (180) figures are ignored.
  if (!f.power_mw)
    if (auto uw = figure(text, "Power\\s*\\(45\\)")) f.power_mw = *uw / 1000.0;
  if (!f.area_um2) f.area_um2 = figure(text, "Area\\s*\\(45\\)");
  if (!f.delay_ns) f.delay_ns = figure(text, "Delay\\s*\\(45\\)");
  return f;
}

bool declares_module(const std::string& text, const std::string& name) {
  const std::regex re("(^|[^A-Za-z0-9_$])module\\s+" + name + "([^A-Za-z0-9_$]|$)");
  return std::regex_search(text, re);
}

}  // namespace alwann::rtl
