#include "rtl/ModelCompiler.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <thread>

#include "common/AtomicFile.hpp"
#include "common/CacheDirectory.hpp"
#include "common/ContentHash.hpp"
#include "common/Error.hpp"
#include "rtl/ImportProgress.hpp"
#include "rtl/ModelBuild.hpp"
#include "rtl/ModelLoader.hpp"
#include "rtl/VerilatorRunner.hpp"

namespace alwann::rtl {

namespace fs = std::filesystem;

// -fno-dfg: Verilator 5.006's DFG optimiser mis-evaluates bit copies between
// bits of one wide bus (`wire [2031:0] N; assign N[k] = N[j];` with cells
// driving single bits others read): the model returned 0 for 1 x 128 where
// the netlist gave 128 (issue 8). split_var on the top module's variables
// turns such a bus into independent bits, so it is no longer one circular
// signal (UNOPTFLAT) that Verilator re-evaluates until it settles.
const char* const kModelRecipe = "verilator -fno-dfg split_var(top, *) v2";

namespace {

using namespace model_build;

std::string symbol_prefix(const ModelSource& s) { return "Valw_" + s.content_hash; }

std::string model_dir(const ModelSource& s) {
  return fs::path(cache_path("models/" + s.content_hash + "/x")).parent_path().string();
}

// Verilates one model and compiles its C++ into cache/models/<hash>/*.o.
std::vector<std::string> model_objects(const ModelSource& s, std::vector<std::function<void()>>& jobs) {
  const std::string dir = model_dir(s);
  const std::string done = dir + "/objects.txt";
  if (fs::exists(done)) {
    std::vector<std::string> objs;
    std::string list = read_file(done);
    for (size_t p = 0, q; (q = list.find('\n', p)) != std::string::npos; p = q + 1) objs.push_back(list.substr(p, q - p));
    return objs;
  }
  const std::string prefix = symbol_prefix(s), mdir = dir + "/verilated";
  const std::string config = dir + "/split.vlt";
  write_file_atomically(config, "`verilator_config\nsplit_var -module \"" + s.top_module + "\" -var \"*\"\n");
  // Verilated into a folder of this process, then renamed into place: MPI
  // ranks (or two runs) importing the same library at once never write into
  // one folder; the loser of the rename uses the winner's identical output.
  const std::string mine = mdir + ".tmp" + std::to_string(::getpid());
  std::error_code ec;
  fs::remove_all(mine, ec);
  std::vector<std::string> args = {"--cc", "-O3", "-fno-dfg", "--x-assign", "fast", "--x-initial", "fast",
                                   "-Wno-fatal", "-Wno-lint", "-Wno-style", "-Wno-SPLITVAR", "--top-module",
                                   s.top_module, "--prefix", prefix, "-Mdir", mine, config, s.path};
  for (const auto& l : s.libraries) args.push_back(l);
  try {
    run_verilator_or_throw(args, s.path);
  } catch (...) {
    fs::remove_all(mine, ec);
    throw;
  }
  fs::rename(mine, mdir, ec);
  if (ec) fs::remove_all(mine, ec);
  if (!fs::is_directory(mdir)) throw file_error(s.path, "cannot place the Verilated model in " + mdir);
  write_file_atomically(mdir + "/" + prefix + "__alwann.cpp", fmt::format(R"(// alwann's C entry points of one model
#include <cstdint>
#include <verilated.h>
#include "{0}.h"
struct {0}_Holder {{ VerilatedContext context; {0} top{{&context}}; }};
extern "C" void* {0}_new() {{ return new {0}_Holder; }}
extern "C" void {0}_delete(void* p) {{ delete static_cast<{0}_Holder*>(p); }}
extern "C" std::uint16_t {0}_multiply(void* p, std::uint8_t a, std::uint8_t b) {{
  auto* h = static_cast<{0}_Holder*>(p); h->top.A = a; h->top.B = b; h->top.eval(); return h->top.O; }}
)", prefix));
  // One translation unit per model (a unity file over Verilator's ~8
  // outputs): verilated.h is parsed once instead of eight times.
  std::string unity;
  std::vector<std::string> parts;
  for (const auto& entry : fs::directory_iterator(mdir))
    if (entry.path().extension() == ".cpp") parts.push_back(entry.path().filename().string());
  std::sort(parts.begin(), parts.end());
  for (const auto& p : parts) unity += "#include \"" + p + "\"\n";
  const std::string unity_path = dir + "/" + prefix + "__unity.cpp";
  write_file_atomically(unity_path, unity);
  const std::string obj = dir + "/" + prefix + ".o";
  jobs.push_back([=] { compile_object(unity_path, obj, {mdir}, s.path, true); });
  std::vector<std::string> objs = {obj};
  return objs;  // objects.txt is written once the jobs ran (compile_models)
}

// The state of one compile_models call, shared by its worker jobs. Each job
// touches only its own members' slots.
struct Batch {
  const std::vector<ModelSource>& sources;
  const ModelReady& on_ready;
  bool may_rebuild;
  std::vector<CompiledModel> results;
  std::vector<std::vector<std::string>> objects;
  std::vector<std::function<void()>> alone;  // each new model's own compile job

  Batch(const std::vector<ModelSource>& s, const ModelReady& r, bool rebuild)
      : sources(s), on_ready(r), may_rebuild(rebuild), results(s.size()), objects(s.size()), alone(s.size()) {}

  void fail(size_t i, const std::string& why) {
    results[i].error = why;
    std::error_code ec;
    fs::remove_all(model_dir(sources[i]), ec);  // nothing half-built stays cached
  }

  void ready(size_t i) {
    if (on_ready) on_ready(i, results[i]);
  }

  // Verilates sources[i] and prepares its compile job (one Verilator per core).
  void verilate(const std::vector<size_t>& todo) {
    Progress progress("verilating", todo.size());
    std::vector<std::function<void()>> tasks;
    for (const size_t i : todo)
      tasks.push_back([this, i, &progress] {
        std::vector<std::function<void()>> compile;
        objects[i] = model_objects(sources[i], compile);
        if (!compile.empty()) alone[i] = compile.front();
        progress.step(sources[i].path);
      });
    const auto failed = run_parallel_collect(tasks);
    progress.finish();
    for (size_t t = 0; t < todo.size(); ++t)
      if (!failed[t].empty()) fail(todo[t], failed[t]);
  }

  // Several models per translation unit: parsing verilated.h dominates a
  // model's compile (1.6 s alone; 8 models in one unit 3.3 s). A group that
  // fails is compiled model by model, so the failing model is the one reported.
  void compile_group(const std::vector<size_t>& members, Progress& progress) {
    if (members.size() > 1) {
      ContentHash h;
      for (const size_t i : members) h.add(sources[i].content_hash);
      const std::string base = cache_path("groups/" + h.hex());
      std::string unity;
      std::vector<std::string> includes;
      for (const size_t i : members) {
        const std::string dir = fs::path(objects[i].front()).parent_path().string();
        unity += "#include \"" + dir + "/" + symbol_prefix(sources[i]) + "__unity.cpp\"\n";
        includes.push_back(dir + "/verilated");
      }
      try {
        write_file_atomically(base + ".cpp", unity);
        compile_object(base + ".cpp", base + ".o", includes, sources[members.front()].path, true);
        std::error_code ec;  // the object is what the cache keeps
        fs::remove(base + ".cpp", ec);
        for (const size_t i : members) {
          objects[i] = {base + ".o"};
          progress.step(sources[i].path);
        }
        return;
      } catch (const std::exception&) {
        std::error_code ec;  // the group's unity source is of no use to anyone now
        fs::remove(base + ".cpp", ec);
      }
    }
    for (const size_t i : members) {
      try {
        alone[i]();
      } catch (const std::exception& e) {
        fail(i, e.what());
      }
      progress.step(sources[i].path);
    }
  }

  // Links and loads the members that compiled; a unit whose cached objects
  // cannot be loaded is built again from its Verilog once.
  void load(const std::vector<size_t>& members) {
    std::vector<size_t> ok;
    for (const size_t i : members)
      if (results[i].error.empty()) ok.push_back(i);
    if (ok.empty()) return;
    ContentHash key;
    std::vector<std::string> objs, prefixes;
    for (const size_t i : ok) {
      key.add(sources[i].content_hash);
      prefixes.push_back(symbol_prefix(sources[i]));
      const std::string done = model_dir(sources[i]) + "/objects.txt";
      if (!fs::exists(done)) {
        std::string list;
        for (const auto& o : objects[i]) list += o + "\n";
        write_file_atomically(done, list);
      }
      for (const auto& o : objects[i])  // models compiled together share one object
        if (std::find(objs.begin(), objs.end(), o) == objs.end()) objs.push_back(o);
    }
    try {
      const auto factories = load_models(objs, prefixes, key.hex());
      for (size_t k = 0; k < ok.size(); ++k) results[ok[k]].factory = factories[k];
    } catch (const std::exception& e) {
      if (!may_rebuild) {
        for (const size_t i : ok) results[i].error = e.what();
        return;
      }
      std::error_code ec;
      for (const auto& o : objs) fs::remove(o, ec);
      std::vector<ModelSource> again;
      for (const size_t i : ok) {
        fs::remove_all(model_dir(sources[i]), ec);
        again.push_back(sources[i]);
      }
      Batch rebuilt(again, ModelReady{}, false);
      rebuilt.run();
      for (size_t k = 0; k < ok.size(); ++k) results[ok[k]] = rebuilt.results[k];
    }
  }

  void run() {
    // Cached models (objects.txt) are loaded as the units they were compiled in.
    std::map<std::vector<std::string>, std::vector<size_t>> cached;
    std::vector<size_t> todo;
    for (size_t i = 0; i < sources.size(); ++i) {
      if (fs::exists(model_dir(sources[i]) + "/objects.txt")) {
        std::vector<std::function<void()>> none;
        objects[i] = model_objects(sources[i], none);
        cached[objects[i]].push_back(i);
      } else {
        todo.push_back(i);
      }
    }
    std::vector<std::function<void()>> jobs;
    for (const auto& unit : cached)
      jobs.push_back([this, members = unit.second] {
        load(members);
        for (const size_t i : members) ready(i);
      });
    for (const auto& e : run_parallel_collect(jobs))
      if (!e.empty()) throw Error(e);
    if (todo.empty()) return;
    verilate(todo);
    std::vector<size_t> ok;
    for (const size_t i : todo) {
      if (!results[i].error.empty()) ready(i);
      else if (alone[i]) ok.push_back(i);
    }
    if (ok.empty()) return;
    // Groups sized so every core gets several: each group is checked as soon
    // as it is loaded, while the next groups compile.
    const size_t cores = std::max(1u, std::thread::hardware_concurrency());
    const size_t per_group = std::clamp<size_t>((ok.size() + 2 * cores - 1) / (2 * cores), 1, 8);
    Progress progress("compiling", ok.size());
    jobs.clear();
    for (size_t g = 0; g < ok.size(); g += per_group)
      jobs.push_back([this, &progress, members = std::vector<size_t>(ok.begin() + g,
                                                                    ok.begin() + std::min(g + per_group, ok.size()))] {
        compile_group(members, progress);
        load(members);
        for (const size_t i : members) ready(i);
      });
    const auto errors = run_parallel_collect(jobs);
    progress.finish();
    for (const auto& e : errors)
      if (!e.empty()) throw Error(e);
  }
};

}  // namespace

std::vector<CompiledModel> compile_models(const std::vector<ModelSource>& sources, const ModelReady& on_ready) {
  Batch batch(sources, on_ready, true);
  if (!sources.empty()) batch.run();
  return std::move(batch.results);
}

}  // namespace alwann::rtl
