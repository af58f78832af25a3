#include "rtl/VerilogHeader.hpp"

#include <regex>

namespace alwann::rtl {

namespace {

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

LibraryFigures read_library_figures(const std::string& text) {
  return {figure(text, "PDK45_PWR"), figure(text, "PDK45_AREA"), figure(text, "PDK45_DELAY")};
}

bool declares_module(const std::string& text, const std::string& name) {
  const std::regex re("(^|[^A-Za-z0-9_$])module\\s+" + name + "([^A-Za-z0-9_$]|$)");
  return std::regex_search(text, re);
}

}  // namespace alwann::rtl
