// MultiplierLibrary::import_verilog: user Verilog at run time.
#include <filesystem>
#include <regex>

#include "common/ContentHash.hpp"
#include "common/Error.hpp"
#include "rtl/GateNetlist.hpp"
#include "rtl/ModelCompiler.hpp"
#include "rtl/MultiplierLibrary.hpp"
#include "rtl/VerilatorNetlistReader.hpp"
#include "rtl/VerilogHeader.hpp"
#include "rtl/VerilatorRunner.hpp"

#ifndef ALWANN_SOURCE_DIR
#define ALWANN_SOURCE_DIR "."
#endif

namespace alwann::rtl {

namespace fs = std::filesystem;

namespace {

// alwann's behavioural models of the 45 nm cells seen in EvoApprox8b netlists.
std::string standard_cell_library() {
  if (const char* p = std::getenv("ALWANN_CELLS_FILE"); p && *p) return p;
  return std::string(ALWANN_SOURCE_DIR) + "/rtl/cells/cells45.v";
}

std::vector<std::string> expand(const std::vector<std::string>& files_or_dirs) {
  std::vector<std::string> files;
  for (const auto& p : files_or_dirs) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> in_dir;
      for (const auto& e : fs::directory_iterator(p))
        if (e.path().extension() == ".v") in_dir.push_back(e.path().string());
      if (in_dir.empty()) throw file_error(p, "folder holds no .v files");
      std::sort(in_dir.begin(), in_dir.end());
      files.insert(files.end(), in_dir.begin(), in_dir.end());
    } else if (fs::exists(p, ec)) {
      files.push_back(p);
    } else {
      throw file_error(p, "file not found");
    }
  }
  return files;
}

// Cells the file instantiates but does not define come from the shipped library.
bool needs_standard_cells(const std::string& text) {
  static const std::regex instance("(^|\\s)(AND2X1|OR2X1|NAND2X1|NOR2X1|XOR2X1|XNOR2X1|INVX1|BUFX2|NAND3X1|"
                                   "NOR3X1|AOI21X1|OAI21X1|MUX2X1|HAX1|FAX1)\\s+[A-Za-z_]");
  std::smatch m;
  return std::regex_search(text, m, instance) && !declares_module(text, m[2].str());
}

}  // namespace

std::vector<std::string> MultiplierLibrary::import_verilog(const std::vector<std::string>& files_or_dirs,
                                                           const ImportOptions& options) {
  std::vector<std::string> cells;
  for (const auto& c : options.cell_libraries) {
    if (!fs::exists(c)) throw file_error(c, "cell library not found");
    cells.push_back(c);
  }
  struct Pending {
    MultiplierInfo info;
    ModelSource source;
  };
  std::vector<Pending> pending;
  for (const auto& path : expand(files_or_dirs)) {
    const std::string text = read_file(path);
    const std::string module = fs::path(path).stem().string();
    if (!declares_module(text, module))
      throw file_error(path, "no module named '" + module + "' (the module must be named like the file)");
    std::vector<std::string> libs = cells;
    if (cells.empty() && needs_standard_cells(text)) libs.push_back(standard_cell_library());
    ContentHash h;
    h.add(text).add(verilator_include_dir());
    for (const auto& l : libs) h.add_file(l);
    MultiplierInfo info;
    info.name = module;
    info.is_signed = options.force_signed.value_or(module.rfind("mul8s", 0) == 0);
    info.source = path;
    info.verilog_path = path;
    info.content_hash = h.hex();
    info.figures = read_library_figures(text);
    pending.push_back({info, {path, module, libs, info.content_hash}});
  }
  // Netlists first: they check syntax and ports quickly (Verilator xml-only)
  // before any compiler time is spent, and nothing is registered on failure.
  std::vector<std::shared_ptr<const GateNetlist>> netlists;
  for (const auto& p : pending)
    netlists.push_back(std::make_shared<GateNetlist>(read_verilog_netlist({p.source.path, p.source.top_module, p.source.libraries}, p.info.content_hash)));
  std::vector<ModelSource> sources;
  for (const auto& p : pending) sources.push_back(p.source);
  const auto factories = compile_models(sources);
  std::vector<std::string> names;
  for (size_t i = 0; i < pending.size(); ++i) {
    add(pending[i].info, factories[i], pending[i].source.libraries);
    std::lock_guard<std::mutex> lock(mutex_);
    entries_[pending[i].info.name].netlist = netlists[i];
    names.push_back(pending[i].info.name);
  }
  return names;
}

}  // namespace alwann::rtl
