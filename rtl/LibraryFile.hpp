#pragma once
// What `--library PATH...` names, expanded into one item per multiplier:
// Verilog files, folders of .v files, tf-approximate product tables (.bin) and
// library files (YAML, docs/multipliers.md "Library files"):
//
//   multipliers:
//     - verilog: muls/mul8u_abc.v   # relative to the library file; a folder is allowed
//       power_mw: 0.302             # published figures override header comments
//       area_um2: 542.5
//       delay_ns: 1.44
//     - table: tables/mul8s_xyz.bin # 65,536 little-endian uint16, [x*256 + w]
//       name: mul8s_xyz             # default: the file's stem
//       signed: true                # required for tables
//
// The kind of a path is decided by its extension (a .bin is never parsed as
// YAML, a .yaml never verilated).
#include <optional>
#include <string>
#include <vector>

#include "rtl/MultiplierLibrary.hpp"

namespace alwann::rtl {

struct LibraryItem {
  enum class Kind { Verilog, Table };
  Kind kind = Kind::Verilog;
  std::string path;                // as the user (or the library file, resolved) gave it
  std::string name;                // the module / multiplier name
  std::optional<bool> is_signed;   // from the library file; else --signed or the name prefix
  LibraryFigures figures;          // from the library file; override header comments
};

bool is_library_file(const std::string& path);  // .yaml / .yml
bool is_table_file(const std::string& path);    // .bin

// Expands paths in order; folders give their .v files sorted by name. Throws
// alwann::Error naming the file (and line, in a library file) for a missing
// path or a malformed library file.
std::vector<LibraryItem> expand_library_paths(const std::vector<std::string>& paths);

// The items one library file lists.
std::vector<LibraryItem> read_library_file(const std::string& path);

}  // namespace alwann::rtl
