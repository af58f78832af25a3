#pragma once
// The catalogue of multipliers alwann knows by name: the built-in library
// (verilated at build time) plus any Verilog imported at run time. Everything
// derived from a multiplier (product table, gate netlist, characterization)
// is computed on first use and cached in memory and, keyed by content hash,
// on disk.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "rtl/MultiplierModel.hpp"
#include "rtl/ProductTable.hpp"

namespace alwann::rtl {

class GateNetlist;

// Figures from the Verilog header comments (reference §3), when present.
struct LibraryFigures {
  std::optional<double> power_mw, area_um2, delay_ns;
};

struct MultiplierInfo {
  std::string name;        // e.g. "mul8u_trunc4"
  bool is_signed = false;
  std::string source;      // "built-in", the Verilog file path or the .bin table path
  std::string verilog_path;  // "" for a table-only multiplier
  // False for a multiplier imported as a product table (.bin) only: bit-true,
  // but no gate netlist, so no toggle energy, gate count or area.
  bool has_netlist = true;
  std::string content_hash;
  LibraryFigures figures;
};

class MultiplierLibrary {
 public:
  // The process-wide library with the built-in multipliers registered.
  static MultiplierLibrary& instance();

  std::vector<std::string> names() const;  // registration order
  bool contains(const std::string& name) const;
  // Throws alwann::Error "unknown multiplier 'x' (known: ...)".
  const MultiplierInfo& info(const std::string& name) const;

  // Product table from exhaustive simulation of the Verilated model. Thread-safe.
  ProductTablePtr table(const std::string& name);
  // A fresh bit-true evaluator (one per thread / per PE).
  MultiplierModelPtr model(const std::string& name);
  // The gate-level netlist (from Verilator's elaborated XML), for toggle
  // energy. Throws alwann::Error naming the multiplier when it has none
  // (imported as a product table only).
  std::shared_ptr<const GateNetlist> netlist(const std::string& name);

  struct ImportOptions {
    std::vector<std::string> cell_libraries;  // extra Verilog with cell modules
    std::optional<bool> force_signed;         // --signed / --unsigned (a library file's signed: wins)
    // Strict: the first failing circuit throws and nothing is registered.
    // Otherwise a failing circuit is reported in ImportResult and skipped.
    bool strict = true;
  };
  struct ImportFailure {
    std::string file, reason;
  };
  struct ImportResult {
    std::vector<std::string> names;  // registered, in the order given
    std::vector<ImportFailure> failures;
  };
  // Registers Verilog files, folders of .v, .bin product tables and library
  // files (see LibraryFile.hpp). Every Verilog circuit's gate netlist is
  // checked bit for bit against its Verilated model before it is registered.
  // A name defined by two different files (or a built-in name) is an error
  // naming both, whatever `strict` says; so are missing paths and malformed
  // library files.
  ImportResult import_library(const std::vector<std::string>& paths, const ImportOptions& options);
  // import_library, strict; returns the names added.
  std::vector<std::string> import_verilog(const std::vector<std::string>& files_or_dirs,
                                          const ImportOptions& options);

  // Internal: used by the built-in registration and the importer. Replaces
  // an entry of the same name (a re-import of an edited file).
  using ModelFactory = std::function<MultiplierModelPtr()>;
  void add(MultiplierInfo info, ModelFactory factory, std::vector<std::string> libraries = {});
  // Registers a table-only multiplier (the table is its model).
  void add_table(MultiplierInfo info, ProductTablePtr table);

 private:
  MultiplierLibrary();
  struct Entry {
    MultiplierInfo info;
    ModelFactory factory;
    std::vector<std::string> libraries;  // cell libraries the netlist needs
    ProductTablePtr table;
    std::shared_ptr<const GateNetlist> netlist;
  };
  Entry& entry(const std::string& name);
  const Entry& entry(const std::string& name) const;

  mutable std::mutex mutex_;
  std::vector<std::string> order_;
  std::map<std::string, Entry> entries_;
};

}  // namespace alwann::rtl
