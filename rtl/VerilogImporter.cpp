// MultiplierLibrary::import_library: user Verilog, product tables and library
// files at run time. One bad circuit is reported and skipped (unless strict).
#include <fmt/core.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <regex>
#include <thread>

#include "common/CacheDirectory.hpp"
#include "common/ContentHash.hpp"
#include "common/Error.hpp"
#include "common/PathQuery.hpp"
#include "rtl/CacheEntries.hpp"
#include "rtl/GateNetlist.hpp"
#include "rtl/ImportProgress.hpp"
#include "rtl/LibraryFile.hpp"
#include "rtl/ModelCompiler.hpp"
#include "rtl/MultiplierLibrary.hpp"
#include "rtl/VerilatorNetlistReader.hpp"
#include "rtl/VerilatorRunner.hpp"
#include "rtl/VerilogHeader.hpp"

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

// Cells the file instantiates but does not define come from the shipped library.
bool needs_standard_cells(const std::string& text) {
  static const std::regex instance("(^|\\s)(AND2X1|OR2X1|NAND2X1|NOR2X1|XOR2X1|XNOR2X1|INVX1|BUFX2|NAND3X1|"
                                   "NOR3X1|AOI21X1|OAI21X1|MUX2X1|HAX1|FAX1)\\s+[A-Za-z_]");
  std::smatch m;
  return std::regex_search(text, m, instance) && !declares_module(text, m[2].str());
}

std::string canonical(const std::string& p) {
  std::error_code ec;
  const fs::path c = fs::weakly_canonical(p, ec);
  return ec ? p : c.string();
}

// "path: reason" / "path:12: reason" -> the reason alone (the file is recorded apart).
std::string reason_of(const std::string& message, const std::string& path) {
  if (message.rfind(path + ":", 0) != 0) return message;
  std::size_t p = path.size() + 1;
  if (message.compare(p, 1, " ") != 0) return message;  // keep "path:12: ..." whole: the line matters
  return message.substr(p + 1);
}

LibraryFigures merged(LibraryFigures header, const LibraryFigures& given) {
  if (given.power_mw) header.power_mw = given.power_mw;
  if (given.area_um2) header.area_um2 = given.area_um2;
  if (given.delay_ns) header.delay_ns = given.delay_ns;
  return header;
}

// The first operand pair where the netlist and the compiled model differ, or "".
std::string disagreement(const GateNetlist& netlist, const ProductTable& table, const MultiplierInfo& info) {
  const std::vector<std::uint16_t> gate = netlist.products();  // [a*256 + b]
  for (int a = 0; a < 256; ++a)
    for (int b = 0; b < 256; ++b) {
      const std::uint16_t m = table.raw(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b));
      if (gate[a * 256 + b] != m)
        return fmt::format("gate netlist and Verilated model of '{}' disagree at A={}, B={} ({} vs {})", info.name, a,
                           b, gate[a * 256 + b], m);
    }
  return "";
}

// Verilog files larger than this are refused before Verilator runs (docs/
// multipliers.md "Limits"): 8x8 netlists are ~10-200 kB; a 14 MB file kept
// Verilator busy for minutes with no progress.
constexpr std::uintmax_t kMaxVerilogBytes = 4u << 20;

std::string table_cache(const MultiplierInfo& info) {
  return cache_path("tables/" + info.name + "-" + info.content_hash + ".bin");
}

// The gate netlist of a source (Verilator's XML cached under its content hash).
std::shared_ptr<const GateNetlist> netlist_of(const ModelSource& s) {
  return std::make_shared<GateNetlist>(read_verilog_netlist({s.path, s.top_module, s.libraries}, s.content_hash));
}

// The product table of a compiled model that its gate netlist reproduces
// bit for bit: from the cache, or computed, checked and cached. `netlist` is
// read here when the cache held no table (it was damaged). Throws
// alwann::Error naming the file when they disagree.
ProductTablePtr checked_table(const MultiplierInfo& info, const ModelSource& source,
                              std::shared_ptr<const GateNetlist>& netlist,
                              const std::function<MultiplierModelPtr()>& factory) {
  const std::string cached = table_cache(info);
  if (auto t = load_cached_table(cached, info.name, info.is_signed))  // damaged: dropped, rebuilt below
    return std::make_shared<const ProductTable>(std::move(*t));
  if (!netlist)
    netlist = netlist_of(source);
  MultiplierModelPtr m = factory();
  std::vector<std::uint16_t> data(ProductTable::kEntries);
  for (int w = 0; w < 256; ++w)
    for (int x = 0; x < 256; ++x)
      data[w * 256 + x] = m->multiply(static_cast<std::uint8_t>(w), static_cast<std::uint8_t>(x));
  auto table = std::make_shared<const ProductTable>(info.name, info.is_signed, std::move(data));
  const std::string why = disagreement(*netlist, *table, info);
  if (!why.empty()) throw file_error(source.path, why);
  save_cached_table(cached, *table);
  return table;
}

}  // namespace

std::vector<std::string> MultiplierLibrary::import_verilog(const std::vector<std::string>& files_or_dirs,
                                                           const ImportOptions& options) {
  ImportOptions strict = options;
  strict.strict = true;
  return import_library(files_or_dirs, strict).names;
}

MultiplierLibrary::ImportResult MultiplierLibrary::import_library(const std::vector<std::string>& paths,
                                                                  const ImportOptions& options) {
  remove_stale_cache_temporaries();
  std::vector<std::string> cells;
  for (const auto& c : options.cell_libraries) {
    if (!path_exists(c)) throw file_error(c, "cell library not found");
    cells.push_back(c);
  }
  // Names first: two files defining one multiplier make the whole input ambiguous.
  std::vector<LibraryItem> items;
  {
    std::map<std::string, std::string> defined_by;
    for (auto& item : expand_library_paths(paths)) {
      const std::string where = canonical(item.path);
      auto [it, fresh] = defined_by.emplace(item.name, where);
      if (!fresh) {
        if (it->second == where) continue;  // the same file named twice
        throw file_error(item.path, "multiplier '" + item.name + "' is defined twice: " + it->second + " and " + where);
      }
      std::lock_guard<std::mutex> lock(mutex_);
      auto e = entries_.find(item.name);
      if (e != entries_.end() && canonical(e->second.info.source) != where)
        throw file_error(item.path, "multiplier '" + item.name + "' is defined twice: " + e->second.info.source +
                                        " and " + where);
      items.push_back(std::move(item));
    }
  }
  ImportResult result;
  auto fail = [&](const std::string& file, const std::string& message) {
    if (options.strict) throw Error(message);
    result.failures.push_back({file, reason_of(message, file)});
  };
  auto is_signed = [&](const LibraryItem& item) {
    if (item.is_signed) return *item.is_signed;
    return options.force_signed.value_or(item.name.rfind("mul8s", 0) == 0);
  };

  struct Pending {
    MultiplierInfo info;
    ModelSource source;
    std::shared_ptr<const GateNetlist> netlist;
    ModelFactory factory;
  };
  std::vector<Pending> pending;
  std::vector<std::pair<MultiplierInfo, ProductTablePtr>> tables;
  for (const auto& item : items) {
    try {
      MultiplierInfo info;
      info.name = item.name;
      info.is_signed = is_signed(item);
      info.source = item.path;
      if (item.kind == LibraryItem::Kind::Table) {
        auto table = std::make_shared<const ProductTable>(ProductTable::load_bin(item.path, item.name, info.is_signed));
        info.has_netlist = false;
        info.content_hash = ContentHash().add_file(item.path).add(info.is_signed ? "s" : "u").hex();
        info.figures = item.figures;
        tables.emplace_back(std::move(info), std::move(table));
        continue;
      }
      std::error_code size_ec;
      const std::uintmax_t bytes = fs::file_size(item.path, size_ec);
      if (!size_ec && bytes > kMaxVerilogBytes)
        throw file_error(item.path, fmt::format("{:.1f} MB of Verilog: the limit is {} MB for one 8x8 multiplier",
                                                static_cast<double>(bytes) / (1 << 20), kMaxVerilogBytes >> 20));
      const std::string text = read_file(item.path);
      if (!declares_module(text, item.name))
        throw file_error(item.path, "no module named '" + item.name + "' (the module must be named like the file)");
      std::vector<std::string> libs = cells;
      if (cells.empty() && needs_standard_cells(text)) libs.push_back(standard_cell_library());
      ContentHash h;
      h.add(text).add(item.name).add(verilator_include_dir()).add(kModelRecipe);
      for (const auto& l : libs) h.add_file(l);
      info.verilog_path = item.path;
      info.content_hash = h.hex();
      info.figures = merged(read_library_figures(text), item.figures);
      pending.push_back({info, {item.path, item.name, libs, info.content_hash}, nullptr, nullptr});
    } catch (const Error& e) {
      fail(item.path, e.what());
    }
  }
  // Netlists first: they check syntax and ports quickly (Verilator xml-only)
  // before any compiler time is spent; one Verilator per core. A circuit whose
  // checked table is cached passed all this before (same content hash): its
  // netlist is read lazily, when energy is asked for (a cached re-import of a
  // large library costs hashing, table loads and one dlopen).
  std::vector<std::string> netlist_errors(pending.size());
  std::vector<size_t> to_read;
  for (size_t i = 0; i < pending.size(); ++i) {
    const std::string t = table_cache(pending[i].info);
    std::error_code ec;
    if (!fs::exists(t, ec) || !fs::exists(t + ".sum", ec)) to_read.push_back(i);
  }
  if (!to_read.empty()) {
    std::unique_ptr<Progress> progress;
    if (to_read.size() > 1) progress = std::make_unique<Progress>("reading netlists", to_read.size());
    std::atomic<size_t> next{0};
    std::vector<std::thread> workers;
    const unsigned n = std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(), to_read.size()));
    for (unsigned t = 0; t < n; ++t)
      workers.emplace_back([&] {
        for (size_t k; (k = next++) < to_read.size();) {
          const size_t i = to_read[k];
          Pending& p = pending[i];
          try {
            p.netlist = netlist_of(p.source);
          } catch (const std::exception& e) {
            netlist_errors[i] = e.what();
          }
          if (progress) progress->step(p.source.path);
        }
      });
    for (auto& w : workers) w.join();
    if (progress) progress->finish();
  }
  std::vector<Pending> readable;
  for (size_t i = 0; i < pending.size(); ++i) {
    if (!netlist_errors[i].empty()) {
      fail(pending[i].source.path, netlist_errors[i]);
      continue;
    }
    readable.push_back(std::move(pending[i]));
  }
  // Each circuit's gate netlist must reproduce its compiled model bit for bit,
  // checked as soon as its compile group is loaded, while the next groups
  // compile (the table is cached only once it passed, so a cached table is a
  // checked one). Errors are reported in input order once the batch is done.
  std::vector<ModelSource> sources;
  for (const auto& p : readable) sources.push_back(p.source);
  std::vector<ProductTablePtr> tables_checked(readable.size());
  std::vector<std::string> check_errors(readable.size());
  compile_models(sources, [&](size_t i, const CompiledModel& compiled) {
    Pending& p = readable[i];
    try {
      if (!compiled.factory) throw Error(compiled.error);
      p.factory = compiled.factory;
      tables_checked[i] = checked_table(p.info, p.source, p.netlist, p.factory);
    } catch (const std::exception& e) {
      check_errors[i] = e.what();
    }
  });
  std::vector<std::pair<Pending, ProductTablePtr>> checked;
  for (size_t i = 0; i < readable.size(); ++i) {
    if (!check_errors[i].empty()) {
      fail(readable[i].source.path, check_errors[i]);
      continue;
    }
    checked.emplace_back(std::move(readable[i]), std::move(tables_checked[i]));
  }
  // Registered in the order given.
  std::map<std::string, size_t> order;
  for (size_t i = 0; i < items.size(); ++i) order.emplace(items[i].name, i);
  std::vector<std::pair<size_t, std::string>> added;
  for (auto& [p, table] : checked) {
    add(p.info, p.factory, p.source.libraries);
    std::lock_guard<std::mutex> lock(mutex_);
    entries_[p.info.name].netlist = p.netlist;  // null: read on first use (netlist())
    entries_[p.info.name].table = table;
    added.emplace_back(order[p.info.name], p.info.name);
  }
  for (auto& [info, table] : tables) {
    const std::string name = info.name;
    add_table(std::move(info), std::move(table));
    added.emplace_back(order[name], name);
  }
  std::sort(added.begin(), added.end());
  for (auto& a : added) result.names.push_back(a.second);
  return result;
}

}  // namespace alwann::rtl
