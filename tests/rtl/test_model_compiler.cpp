// The run-time model compiler (rtl/ModelCompiler, ModelLoader): models are
// compiled several per translation unit, each group linked and loaded on its
// own and reported as soon as it is ready; a group that fails is compiled
// model by model; failures leave nothing behind.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "common/CacheDirectory.hpp"
#include "common/ContentHash.hpp"
#include "common/Error.hpp"
#include "rtl/ModelCompiler.hpp"
#include "rtl/MultiplierLibrary.hpp"
#include "tests/rtl/TestSupport.hpp"

using namespace alwann;
using namespace alwann::rtl;
namespace fs = std::filesystem;

namespace {

// A cache directory (and a TMPDIR) of the test's own, so that imports in
// parallel tests neither count nor interfere; the Verilator runtime already
// compiled in the shared test cache is copied in to save its compile.
struct PrivateDirs {
  fs::path root, cache, tmp;
  std::string old_cache, old_tmp;
  bool had_tmp;
  explicit PrivateDirs(const std::string& name)
      : root(fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()))),
        cache(root / "cache"), tmp(root / "tmp"), old_cache(cache_directory()),
        had_tmp(std::getenv("TMPDIR") != nullptr) {
    if (had_tmp) old_tmp = std::getenv("TMPDIR");
    fs::remove_all(root);
    fs::create_directories(cache);
    fs::create_directories(tmp);
    std::error_code ec;
    if (fs::is_directory(fs::path(old_cache) / "runtime"))
      fs::copy(fs::path(old_cache) / "runtime", cache / "runtime", fs::copy_options::recursive, ec);
    ::setenv("ALWANN_CACHE_DIR", cache.c_str(), 1);
    ::setenv("TMPDIR", tmp.c_str(), 1);
  }
  ~PrivateDirs() {
    ::setenv("ALWANN_CACHE_DIR", old_cache.c_str(), 1);
    if (had_tmp) ::setenv("TMPDIR", old_tmp.c_str(), 1);
    else ::unsetenv("TMPDIR");
    std::error_code ec;
    fs::remove_all(root, ec);
  }
};

// Verilog that Verilator and the bit-blaster accept (the bit-blaster never
// reads the unused net `junk`) but whose C++ model does not compile.
std::string uncompilable(const std::string& name) {
  return "module " + name + "(A, B, O);\n input [7:0] A; input [7:0] B; output [15:0] O;\n"
         " wire [7:0] junk = $c8(\"this_is_not_cxx(\", A, \")\");\n assign O = A * B;\nendmodule\n";
}

// O = (A * B) ^ k.
std::string multiplier(const std::string& name, int k) {
  return "module " + name + "(A, B, O);\n input [7:0] A; input [7:0] B; output [15:0] O;\n"
         " assign O = (A * B) ^ 16'd" + std::to_string(k) + ";\nendmodule\n";
}

}  // namespace

TEST_CASE("a model that breaks its compile group is compiled alone: only it is reported") {
  // Models are compiled several per translation unit, ceil(models / (2 *
  // cores)) to a group (at most 8): 2 * cores + 1 models make groups of two,
  // and the broken model, given first, shares the first group with a good
  // one. That group fails as a whole; its members are then compiled one by one.
  const PrivateDirs dirs("alwann-group-fallback");
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const fs::path dir = dirs.root / "v";
  fs::create_directories(dir);
  std::vector<std::string> paths, good;
  std::ofstream(dir / "mul8u_grpbad.v") << uncompilable("mul8u_grpbad");
  paths.push_back((dir / "mul8u_grpbad.v").string());
  for (unsigned i = 0; i < 2 * cores; ++i) {
    const std::string name = "mul8u_grp" + std::to_string(i);
    std::ofstream(dir / (name + ".v")) << multiplier(name, static_cast<int>(i));
    paths.push_back((dir / (name + ".v")).string());
    good.push_back(name);
  }
  auto& lib = MultiplierLibrary::instance();
  MultiplierLibrary::ImportOptions lenient;
  lenient.strict = false;
  const auto r = lib.import_library(paths, lenient);
  CHECK(r.names == good);
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0].file == paths[0]);
  CHECK(r.failures[0].reason.find("C++ compiler failed on the Verilated model") != std::string::npos);
  CHECK_FALSE(lib.contains("mul8u_grpbad"));
  for (unsigned i = 0; i < 2 * cores; ++i) {
    const auto t = lib.table(good[i]);
    for (int w = 0; w < 256; ++w)
      for (int x = 0; x < 256; ++x)
        REQUIRE(t->raw(static_cast<std::uint8_t>(w), static_cast<std::uint8_t>(x)) == ((w * x) ^ static_cast<int>(i)));
  }
  // The failed group left no source or object behind (groups that compiled keep their object).
  for (const auto& e : fs::recursive_directory_iterator(dirs.cache)) {
    INFO(e.path().string());
    CHECK((e.path().parent_path().filename() != "groups" || e.path().extension() == ".o"));
    CHECK(e.path().string().find(".tmp") == std::string::npos);
  }
}

TEST_CASE("a failing import leaves no temporary file or folder behind, whatever stage fails") {
  const PrivateDirs dirs("alwann-no-leftovers");
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const fs::path dir = dirs.root / "v";
  fs::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / (name + ".v")) << text;
    return (dir / (name + ".v")).string();
  };
  auto entries = [](const fs::path& d) {  // everything below d, folders included
    std::vector<std::string> all;
    for (const auto& e : fs::recursive_directory_iterator(d)) all.push_back(fs::relative(e.path(), d).string());
    std::sort(all.begin(), all.end());
    return all;
  };
  const std::string head = "(A, B, O);\n input [7:0] A; input [7:0] B; output [15:0] O;\n";
  std::vector<std::string> paths = {
      write("mul8u_lsyntax", "module mul8u_lsyntax" + head + " assign O = A * ;\nendmodule\n"),  // Verilator
      write("mul8u_lloop", "module mul8u_lloop" + head + " wire x;\n assign x = ~x;\n assign O = {15'b0, x};\nendmodule\n"),
      write("mul8u_lhuge", "module mul8u_lhuge" + head + std::string(5 << 20, ' ') + "\nendmodule\n"),  // size limit
  };
  for (unsigned i = 0; i <= 2 * cores; ++i)  // C++ compiler, in groups (2 * cores + 1 models make groups of two) and alone
    paths.push_back(write("mul8u_lcxx" + std::to_string(i), uncompilable("mul8u_lcxx" + std::to_string(i))));
  const std::vector<std::string> cache_before = entries(dirs.cache), tmp_before = entries(dirs.tmp);
  auto& lib = MultiplierLibrary::instance();
  MultiplierLibrary::ImportOptions lenient;
  lenient.strict = false;
  const auto r = lib.import_library(paths, lenient);
  CHECK(r.names.empty());
  CHECK(r.failures.size() == paths.size());
  // Strict: the first failure throws (here at the netlist stage, the C++ one alone).
  CHECK_FALSE(test::error_of([&] { lib.import_library({paths[1]}, {}); }).empty());
  CHECK_FALSE(test::error_of([&] { lib.import_library({paths.back()}, {}); }).empty());
  CHECK(entries(dirs.tmp) == tmp_before);  // the Verilator XML folders are gone
  // In the cache only the folders of its layout may have appeared, the
  // shared Verilator runtime, and the Verilator XML of the netlists that
  // read cleanly (those of the models that then failed to compile: a cache
  // entry, reused by the next import).
  std::vector<std::string> files;
  size_t xml = 0;
  for (const auto& e : entries(dirs.cache)) {
    if (std::find(cache_before.begin(), cache_before.end(), e) != cache_before.end()) continue;
    const fs::path p = dirs.cache / e;
    if (e == "netlists" || (fs::path(e).parent_path() == "netlists" && p.extension() == ".xml" && ++xml)) continue;
    if (e.rfind("runtime", 0) == 0) continue;  // the Verilator runtime and its precompiled header, shared by all models
    if (!fs::is_directory(p) || !fs::is_empty(p) || fs::path(e).has_parent_path()) files.push_back(e);
  }
  CHECK(files == std::vector<std::string>{});
  CHECK(xml == 2 * cores + 1);
}

TEST_CASE("each compile group is reported as soon as it is loaded, while later groups still compile") {
  // 4 * cores good models make groups of two (ceil(n / (2 * cores))): 2 *
  // cores groups on `cores` workers. When the first group is reported, the
  // last groups have not been compiled yet. A model Verilator rejects is
  // reported too, with its error, and stops nothing.
  const PrivateDirs dirs("alwann-ready-early");
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const fs::path dir = dirs.root / "v";
  fs::create_directories(dir);
  std::vector<ModelSource> sources;
  auto add = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / (name + ".v")) << text;
    sources.push_back({(dir / (name + ".v")).string(), name, {}, ContentHash().add(text).add("ready-test").hex()});
  };
  const size_t good = 4 * cores;
  for (size_t i = 0; i < good; ++i) add("mul8u_rdy" + std::to_string(i), multiplier("mul8u_rdy" + std::to_string(i), int(i)));
  add("mul8u_rdybad", "module mul8u_rdybad(A, B, O);\n input [7:0] A; input [7:0] B; output [15:0] O;\n assign O = A * ;\nendmodule\n");
  auto group_objects = [&] {
    size_t n = 0;
    if (fs::is_directory(dirs.cache / "groups"))
      for (const auto& e : fs::directory_iterator(dirs.cache / "groups")) n += e.path().extension() == ".o";
    return n;
  };
  std::mutex mutex;
  std::vector<int> calls(sources.size(), 0);
  size_t groups_at_first_ready = 0;
  bool first = true;
  std::vector<std::string> wrong;
  const auto results = compile_models(sources, [&](size_t i, const CompiledModel& r) {
    std::lock_guard<std::mutex> lock(mutex);
    ++calls[i];
    if (i < good) {
      if (first) groups_at_first_ready = group_objects();
      first = false;
      if (!r.factory) {
        wrong.push_back(sources[i].path + ": " + r.error);
        return;
      }
      auto m = r.factory();  // usable at once
      for (int a = 0; a < 256; a += 15)
        for (int b = 0; b < 256; b += 7)
          if (m->multiply(std::uint8_t(a), std::uint8_t(b)) != ((a * b) ^ int(i))) wrong.push_back(sources[i].path);
    } else if (r.factory || r.error.find("mul8u_rdybad.v") == std::string::npos) {
      wrong.push_back("the bad model: " + r.error);
    }
  });
  CHECK(wrong.empty());
  CHECK(std::all_of(calls.begin(), calls.end(), [](int c) { return c == 1; }));
  CHECK(groups_at_first_ready >= 1);
  CHECK(groups_at_first_ready < 2 * cores);  // the last groups were still to compile
  CHECK(group_objects() == 2 * cores);
  for (size_t i = 0; i < good; ++i) CHECK(results[i].factory);
  CHECK_FALSE(results[good].error.empty());
  // A second batch of the same models loads them from the cache, group by group.
  std::vector<int> again(sources.size(), 0);
  compile_models(sources, [&](size_t i, const CompiledModel& r) {
    std::lock_guard<std::mutex> lock(mutex);
    again[i] += r.factory ? 1 : 2;
  });
  CHECK(std::count(again.begin(), again.begin() + long(good), 1) == long(good));
  CHECK(again[good] == 2);
}
