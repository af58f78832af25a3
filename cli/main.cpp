// alwann: approximate multipliers, networks and accelerators, one command.
#include <fmt/core.h>

#include <algorithm>
#include <memory>

#include "cli/CommandRegistry.hpp"
#include "common/Error.hpp"

namespace alwann::cli {
std::vector<CommandSpec>& command_registry() {
  static std::vector<CommandSpec> r;
  return r;
}
}  // namespace alwann::cli

int main(int argc, char** argv) {
  using namespace alwann::cli;
  CLI::App app{"alwann: layer-wise approximate multipliers for DNN accelerators (ALWANN, ICCAD 2019)"};
  app.require_subcommand(1);
  auto& specs = command_registry();
  std::sort(specs.begin(), specs.end(), [](auto& a, auto& b) { return a.name < b.name; });
  std::vector<std::pair<CLI::App*, std::function<int()>>> actions;
  for (auto& spec : specs) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.description);
    actions.emplace_back(sub, spec.setup(*sub));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    for (auto& [sub, action] : actions)
      if (sub->parsed()) return action();
  } catch (const alwann::Error& e) {
    fmt::print(stderr, "alwann: error: {}\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "alwann: internal error: {}\n", e.what());
    return 2;
  }
  return 0;
}
