#pragma once
// Each subcommand lives in its own Cmd*.cpp and registers itself with a
// static CommandRegistration, so adding a command touches no shared file.
#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace alwann::cli {

// setup() declares the subcommand's options on `sub` and returns the action
// run when the subcommand is chosen (its return value is the exit status).
using CommandSetup = std::function<std::function<int()>(CLI::App& sub)>;

struct CommandSpec {
  std::string name, description;
  CommandSetup setup;
};

std::vector<CommandSpec>& command_registry();

struct CommandRegistration {
  CommandRegistration(std::string name, std::string description, CommandSetup setup) {
    command_registry().push_back({std::move(name), std::move(description), std::move(setup)});
  }
};

}  // namespace alwann::cli
