#include "rtl/VerilatorNetlistReader.hpp"

#include <pugixml.hpp>
#include <unistd.h>

#include <atomic>

#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include "common/CacheDirectory.hpp"
#include "common/Error.hpp"
#include "rtl/BitBlaster.hpp"
#include "rtl/VerilatorRunner.hpp"

namespace alwann::rtl {

namespace fs = std::filesystem;

GateNetlist read_verilator_xml(const std::string& xml_path, const std::string& source_path,
                               const std::string& top_module, const std::vector<std::string>& sources) {
  pugi::xml_document doc;
  const pugi::xml_parse_result ok = doc.load_file(xml_path.c_str());
  if (!ok) throw file_error(xml_path, std::string("cannot read Verilator netlist: ") + ok.description());
  BitBlaster blaster(doc, source_path, top_module, sources);
  return blaster.run();
}

GateNetlist read_verilog_netlist(const VerilogSource& source, const std::string& cache_key) {
  std::vector<std::string> sources = {source.path};
  sources.insert(sources.end(), source.libraries.begin(), source.libraries.end());
  const std::string cached = cache_key.empty() ? "" : cache_path("netlists/" + cache_key + ".xml");
  if (!cached.empty() && fs::exists(cached)) {
    try {
      return read_verilator_xml(cached, source.path, source.top_module, sources);
    } catch (const Error&) {
      std::error_code ec;
      fs::remove(cached, ec);  // a damaged cache entry (only clean XML is stored): rebuilt below
    }
  }
  static std::atomic<int> counter{0};
  const fs::path dir = fs::temp_directory_path() /
                       ("alwann-xml-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::create_directories(dir);
  struct Cleanup { fs::path p; ~Cleanup() { std::error_code ec; fs::remove_all(p, ec); } } cleanup{dir};
  const std::string xml = (dir / "netlist.xml").string();
  std::vector<std::string> args = {"--xml-only", "--flatten", "-fno-dfg", "-Wno-fatal", "-Wno-lint",
                                   "-Wno-style", "--top-module", source.top_module,
                                   "--xml-output", xml, "-Mdir", dir.string(), source.path};
  for (const auto& lib : source.libraries) args.push_back(lib);
  run_verilator_or_throw(args, source.path);
  GateNetlist netlist = read_verilator_xml(xml, source.path, source.top_module, sources);
  if (!cached.empty()) {  // only XML that read cleanly is kept
    // A per-process temporary: parallel test processes may cache the same netlist.
    const std::string tmp = cached + ".tmp" + std::to_string(::getpid());
    std::error_code ec;
    fs::copy_file(xml, tmp, fs::copy_options::overwrite_existing, ec);
    if (!ec) fs::rename(tmp, cached, ec);
    if (ec) fs::remove(tmp, ec);
  }
  return netlist;
}

}  // namespace alwann::rtl
