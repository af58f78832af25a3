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
  std::string source;      // "built-in" or the Verilog file path
  std::string verilog_path;
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
  // The gate-level netlist (from Verilator's elaborated XML), for toggle energy.
  std::shared_ptr<const GateNetlist> netlist(const std::string& name);

  // Registers user Verilog (see VerilogImporter); returns the names added.
  struct ImportOptions {
    std::vector<std::string> cell_libraries;  // extra Verilog with cell modules
    std::optional<bool> force_signed;         // --signed / --unsigned
  };
  std::vector<std::string> import_verilog(const std::vector<std::string>& files_or_dirs,
                                          const ImportOptions& options);

  // Internal: used by the built-in registration and the importer. Replaces
  // an entry of the same name (a re-import of an edited file).
  using ModelFactory = std::function<MultiplierModelPtr()>;
  void add(MultiplierInfo info, ModelFactory factory, std::vector<std::string> libraries = {});

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
