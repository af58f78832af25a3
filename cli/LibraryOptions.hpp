#pragma once
// `--library PATH...` and its companions, shared by every command that takes
// multiplier names (characterize, evaluate, simulate, compare, optimize):
// Verilog files, folders of .v, .bin product tables or library files
// (docs/multipliers.md "Libraries"). Once loaded, their names are valid
// wherever a multiplier name is.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "rtl/MultiplierLibrary.hpp"

namespace alwann::cli {

struct LibraryArgs {
  std::vector<std::string> paths, cells;
  bool force_signed = false, force_unsigned = false;
  bool strict = true;  // characterize: false unless --strict (bad circuits are skipped)
};

// Adds --library, --cells, --signed and --unsigned. `aliases` are extra
// names of --library (characterize keeps its --verilog).
void add_library_options(CLI::App& app, LibraryArgs& args, const std::string& aliases = "");

rtl::MultiplierLibrary::ImportOptions import_options(const LibraryArgs& args);

// Imports args.paths plus `more` (e.g. a mapping's library: paths), strict.
// Returns the names imported, in order; nothing is done when both are empty.
std::vector<std::string> load_library(const LibraryArgs& args, const std::vector<std::string>& more = {});

// As load_library, but honours args.strict: failed circuits are returned,
// not thrown.
rtl::MultiplierLibrary::ImportResult load_library_reporting(const LibraryArgs& args);

}  // namespace alwann::cli
