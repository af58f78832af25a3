#pragma once
// Turns Verilator's elaborated, flattened netlist (`verilator --xml-only
// --flatten -fno-dfg`) of a multiplier into a GateNetlist. Verilator does the
// parsing, elaboration and inlining of cell modules; this reader bit-blasts
// the continuous assignments that remain. Constructs outside the supported
// set (always blocks, variable part-selects, ...) are reported by name.
#include <string>
#include <vector>

#include "rtl/GateNetlist.hpp"

namespace alwann::rtl {

struct VerilogSource {
  std::string path;                    // the multiplier's file (named in errors)
  std::string top_module;              // module to elaborate
  std::vector<std::string> libraries;  // extra files with cell modules
};

// Runs Verilator (xml-only) and reads the result. Throws alwann::Error naming
// the file: Verilator's first error message, wrong ports, unsupported constructs.
// With a cache key (a content hash), Verilator's XML is kept in the cache
// directory and reused.
GateNetlist read_verilog_netlist(const VerilogSource& source, const std::string& cache_key = "");

// Reads an XML file Verilator produced (exposed for tests and caching).
// `sources`: the Verilog files Verilator read, which locate standard-cell
// instances (BitBlaster); without them the netlist has no cell annotations.
GateNetlist read_verilator_xml(const std::string& xml_path, const std::string& source_path,
                               const std::string& top_module, const std::vector<std::string>& sources = {});

}  // namespace alwann::rtl
