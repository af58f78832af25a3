#include "rtl/MultiplierLibrary.hpp"

#include <filesystem>

#include "common/CacheDirectory.hpp"
#include "common/ContentHash.hpp"
#include "common/Error.hpp"
#include "common/PathQuery.hpp"
#include "rtl/BuiltinModels.hpp"
#include "rtl/CacheEntries.hpp"
#include "rtl/GateNetlist.hpp"
#include "rtl/VerilogHeader.hpp"
#include "rtl/VerilatorNetlistReader.hpp"

namespace alwann::rtl {

namespace fs = std::filesystem;

MultiplierLibrary::MultiplierLibrary() {
  for (const auto& b : builtin_models()) {
    MultiplierInfo info;
    info.name = b.name;
    info.is_signed = info.name.rfind("mul8s", 0) == 0;
    info.source = "built-in";
    info.verilog_path = b.verilog_path;
    // The built-in model is compiled in; the file is only needed for the
    // netlist, so a missing checkout surfaces when (and if) that is asked for.
    std::error_code ec;
    if (fs::exists(info.verilog_path, ec)) {
      const std::string text = read_file(info.verilog_path);
      info.content_hash = ContentHash().add(text).hex();
      info.figures = read_library_figures(text);
    } else {
      info.content_hash = ContentHash().add(info.name).add("built-in").hex();
    }
    add(std::move(info), b.make);
  }
}

MultiplierLibrary& MultiplierLibrary::instance() {
  static MultiplierLibrary library;
  return library;
}

void MultiplierLibrary::add(MultiplierInfo info, ModelFactory factory, std::vector<std::string> libraries) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string name = info.name;
  if (!entries_.count(name)) order_.push_back(name);
  Entry e;
  e.info = std::move(info);
  e.factory = std::move(factory);
  e.libraries = std::move(libraries);
  entries_[name] = std::move(e);
}

namespace {

// A table-only multiplier's bit-true evaluator: its own product table.
class TableModel final : public MultiplierModel {
 public:
  explicit TableModel(ProductTablePtr t) : table_(std::move(t)) {}
  std::uint16_t multiply(std::uint8_t a, std::uint8_t b) override { return table_->raw(a, b); }

 private:
  ProductTablePtr table_;
};

}  // namespace

void MultiplierLibrary::add_table(MultiplierInfo info, ProductTablePtr table) {
  info.has_netlist = false;
  const std::string name = info.name;
  add(std::move(info), [table] { return std::make_unique<TableModel>(table); });
  std::lock_guard<std::mutex> lock(mutex_);
  entries_[name].table = std::move(table);
}

std::vector<std::string> MultiplierLibrary::names() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return order_;
}

bool MultiplierLibrary::contains(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.count(name) > 0;
}

const MultiplierLibrary::Entry& MultiplierLibrary::entry(const std::string& name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    std::string known;
    for (const auto& n : order_) known += (known.empty() ? "" : ", ") + n;
    throw Error("unknown multiplier '" + name + "' (known: " + known + ")");
  }
  return it->second;
}

MultiplierLibrary::Entry& MultiplierLibrary::entry(const std::string& name) {
  return const_cast<Entry&>(static_cast<const MultiplierLibrary*>(this)->entry(name));
}

const MultiplierInfo& MultiplierLibrary::info(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entry(name).info;
}

MultiplierModelPtr MultiplierLibrary::model(const std::string& name) {
  ModelFactory factory;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    factory = entry(name).factory;
  }
  return factory();
}

ProductTablePtr MultiplierLibrary::table(const std::string& name) {
  MultiplierInfo info;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Entry& e = entry(name);
    if (e.table) return e.table;
    info = e.info;
  }
  // Exhaustive simulation of the Verilated model, cached on disk by content.
  const std::string cached = cache_path("tables/" + info.name + "-" + info.content_hash + ".bin");
  std::shared_ptr<ProductTable> table;
  if (auto t = load_cached_table(cached, info.name, info.is_signed)) {  // a damaged entry is dropped: rebuilt below
    table = std::make_shared<ProductTable>(std::move(*t));
  } else {
    MultiplierModelPtr m = model(name);
    std::vector<std::uint16_t> data(ProductTable::kEntries);
    for (int w = 0; w < 256; ++w)
      for (int x = 0; x < 256; ++x)
        data[w * 256 + x] = m->multiply(static_cast<std::uint8_t>(w), static_cast<std::uint8_t>(x));
    table = std::make_shared<ProductTable>(info.name, info.is_signed, std::move(data));
    save_cached_table(cached, *table);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  Entry& e = entry(name);
  if (!e.table) e.table = table;
  return e.table;
}

std::shared_ptr<const GateNetlist> MultiplierLibrary::netlist(const std::string& name) {
  MultiplierInfo info;
  std::vector<std::string> libraries;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Entry& e = entry(name);
    if (e.netlist) return e.netlist;
    info = e.info;
    libraries = e.libraries;
  }
  if (!info.has_netlist)
    throw file_error(info.source, "multiplier '" + name +
                                      "' is a product table without a netlist: its toggle energy is unavailable");
  if (!path_exists(info.verilog_path))
    throw file_error(info.verilog_path, "Verilog of multiplier '" + name + "' not found (needed for its netlist)");
  auto netlist = std::make_shared<GateNetlist>(read_verilog_netlist({info.verilog_path, name, libraries}, info.content_hash));
  std::lock_guard<std::mutex> lock(mutex_);
  Entry& e = entry(name);
  if (!e.netlist) e.netlist = netlist;
  return e.netlist;
}

}  // namespace alwann::rtl
