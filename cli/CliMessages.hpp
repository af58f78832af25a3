#pragma once
// How the CLI words what goes wrong before a command runs: every parser
// error becomes one line "alwann: error: ..." (exit 1), a misspelled command
// gets a suggestion, and an internal error says it is a bug.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace alwann::cli {

// Levenshtein distance, for "did you mean".
std::size_t edit_distance(const std::string& a, const std::string& b);

// "unknown command 'evalute' (did you mean 'evaluate'?)"; no suggestion when
// nothing is close (distance > 2, or > a third of the word).
std::string unknown_command_message(const std::string& word, const std::vector<std::string>& commands);

// One line from a CLI11 parse error, prefixed by the subcommand when one was
// given: "evaluate: --images must be between 1 and 1000000, got -5".
std::string parse_error_message(const CLI::ParseError& e, const std::string& command);

// The message for an exception that is not an alwann::Error.
std::string internal_error_message(const std::string& what);

// The environment variables alwann reads, for `alwann --help` (README too).
std::string environment_help();

}  // namespace alwann::cli
