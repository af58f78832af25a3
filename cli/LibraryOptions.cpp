#include "cli/LibraryOptions.hpp"

#include "common/Error.hpp"

namespace alwann::cli {

void add_library_options(CLI::App& app, LibraryArgs& args, const std::string& aliases) {
  app.add_option("--library" + (aliases.empty() ? "" : "," + aliases), args.paths,
                 "Multipliers to import: Verilog files, folders of .v, .bin product tables (tf-approximate) "
                 "or library files (.yaml)")
      ->default_str("none: the built-in library");
  app.add_option("--cells", args.cells, "Verilog files defining the cells your netlists instantiate")
      ->default_str("$ALWANN_CELLS_FILE, else the built-in 45 nm cells");
  app.add_flag("--signed", args.force_signed, "Treat imported multipliers as signed (default: mul8s_ prefix)");
  app.add_flag("--unsigned", args.force_unsigned, "Treat imported multipliers as unsigned");
}

rtl::MultiplierLibrary::ImportOptions import_options(const LibraryArgs& args) {
  if (args.force_signed && args.force_unsigned) throw Error("--signed and --unsigned exclude each other");
  if (!args.cells.empty() && args.paths.empty()) throw Error("--cells needs --library (the netlists that use the cells)");
  rtl::MultiplierLibrary::ImportOptions o;
  o.cell_libraries = args.cells;
  if (args.force_signed) o.force_signed = true;
  if (args.force_unsigned) o.force_signed = false;
  o.strict = args.strict;
  return o;
}

std::vector<std::string> load_library(const LibraryArgs& args, const std::vector<std::string>& more) {
  auto options = import_options(args);
  options.strict = true;
  std::vector<std::string> paths = args.paths;
  paths.insert(paths.end(), more.begin(), more.end());
  if (paths.empty()) return {};
  return rtl::MultiplierLibrary::instance().import_library(paths, options).names;
}

rtl::MultiplierLibrary::ImportResult load_library_reporting(const LibraryArgs& args) {
  const auto options = import_options(args);
  if (args.paths.empty()) return {};
  return rtl::MultiplierLibrary::instance().import_library(args.paths, options);
}

}  // namespace alwann::cli
