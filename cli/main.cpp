// alwann: approximate multipliers, networks and accelerators, one command.
// The error contract (README "Errors and exit status"): 0 success, 1 bad
// input or failed run, 2 internal error, 3 characterize's partial success;
// every error is one line "alwann: error: ..." on stderr.
#include <fmt/core.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include "cli/CliMessages.hpp"
#include "cli/CommandRegistry.hpp"
#include "common/Error.hpp"

namespace alwann::cli {
std::vector<CommandSpec>& command_registry() {
  static std::vector<CommandSpec> r;
  return r;
}
}  // namespace alwann::cli

namespace {

int fail(const std::string& message) {
  fmt::print(stderr, "alwann: error: {}\n", message);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace alwann::cli;
  CLI::App app{"alwann: layer-wise approximate multipliers for DNN accelerators (ALWANN, ICCAD 2019)"};
  app.require_subcommand(1);
  app.footer(environment_help());
  auto& specs = command_registry();
  std::sort(specs.begin(), specs.end(), [](auto& a, auto& b) { return a.name < b.name; });
  std::vector<std::string> names;
  std::vector<std::pair<CLI::App*, std::function<int()>>> actions;
  for (auto& spec : specs) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.description);
    actions.emplace_back(sub, spec.setup(*sub));
    names.push_back(spec.name);
  }
  // The first word names the command; CLI11 would call a typo "extra argument".
  if (argc > 1 && argv[1][0] != '-' && std::find(names.begin(), names.end(), argv[1]) == names.end())
    return fail(unknown_command_message(argv[1], names));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (argc < 2) return fail("no command given; run 'alwann --help' for the list");
    if (argv[1][0] == '-') return fail("unknown option '" + std::string(argv[1]) + "': give a command first; run 'alwann --help'");
    return fail(parse_error_message(e, argv[1]));
  }
  try {
    for (auto& [sub, action] : actions)
      if (sub->parsed()) {
        // Test hook: the internal-error path (exit 2) end to end.
        const char* hook = std::getenv("ALWANN_TEST_INTERNAL_ERROR");
        if (hook && sub->get_name() == hook) throw std::logic_error("test hook ALWANN_TEST_INTERNAL_ERROR=" + std::string(hook));
        return action();
      }
  } catch (const alwann::Error& e) {
    return fail(e.what());
  } catch (const std::filesystem::filesystem_error& e) {
    // The file system refused (permissions, a name too long, a full disk):
    // the user's environment, not a bug. Its message names the path.
    return fail(e.what());
  } catch (const std::exception& e) {
    fmt::print(stderr, "alwann: {}\n", internal_error_message(e.what()));
    return 2;
  }
  return 0;
}
