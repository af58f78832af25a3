// alwann generate-multipliers: writes the built-in multiplier library's Verilog.
#include <fmt/core.h>

#include "cli/CommandRegistry.hpp"
#include "rtl/generator/MultiplierGenerator.hpp"

namespace alwann::cli {
namespace {

CommandRegistration registration(
    "generate-multipliers", "Write the built-in multiplier library's gate-level Verilog (rtl/generated)",
    [](CLI::App& app) {
      auto out = std::make_shared<std::string>("rtl/generated");
      app.add_option("--out", *out, "Output folder")->capture_default_str();
      return [out] {
        const auto paths = rtl::generator::write_builtin_library(*out);
        fmt::print("wrote {} multipliers to {}\n", paths.size(), *out);
        return 0;
      };
    });

}  // namespace
}  // namespace alwann::cli
