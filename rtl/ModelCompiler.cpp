#include "rtl/ModelCompiler.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fmt/core.h>
#include <mutex>
#include <thread>

#include "common/AtomicFile.hpp"
#include "common/CacheDirectory.hpp"
#include "common/ContentHash.hpp"
#include "common/Error.hpp"
#include "rtl/ImportProgress.hpp"
#include "rtl/VerilatorRunner.hpp"

#ifndef ALWANN_CXX_COMPILER
#define ALWANN_CXX_COMPILER "c++"
#endif

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

std::string compiler() {
  const char* c = std::getenv("CXX");
  return (c && *c) ? c : ALWANN_CXX_COMPILER;
}

std::vector<std::string> compile_flags(const std::vector<std::string>& includes) {
  const std::string inc = verilator_include_dir();
  std::vector<std::string> f = {"-std=c++17", "-O1", "-fPIC", "-w", "-faligned-new", "-DVM_TRACE=0",
                                "-DVM_COVERAGE=0", "-DVM_SC=0", "-I" + inc, "-I" + inc + "/vltstd"};
  for (const auto& i : includes) f.push_back("-I" + i);
  return f;
}

// Runs the jobs on all cores; returns each job's error message ("" = ok).
std::vector<std::string> run_parallel_collect(const std::vector<std::function<void()>>& jobs) {
  std::atomic<size_t> next{0};
  std::vector<std::string> errors(jobs.size());
  const unsigned n = std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(), static_cast<unsigned>(jobs.size())));
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < n; ++t)
    threads.emplace_back([&] {
      for (size_t i; (i = next++) < jobs.size();) {
        try {
          jobs[i]();
        } catch (const std::exception& e) {
          errors[i] = e.what();
        }
      }
    });
  for (auto& t : threads) t.join();
  return errors;
}

// Runs the jobs on all cores; the first failure's message is rethrown.
void run_parallel(const std::vector<std::function<void()>>& jobs) {
  for (const auto& e : run_parallel_collect(jobs))
    if (!e.empty()) throw Error(e);
}

void compile_object(const std::string& source, const std::string& object, const std::vector<std::string>& includes,
                    const std::string& file_for_errors) {
  std::vector<std::string> argv = {compiler()};
  for (auto& f : compile_flags(includes)) argv.push_back(f);
  const std::string tmp = object + ".tmp" + std::to_string(::getpid());
  argv.insert(argv.end(), {"-c", source, "-o", tmp});
  const ProcessResult r = run_process(argv);
  if (r.status != 0) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw file_error(file_for_errors, "C++ compiler failed on the Verilated model: " + r.output.substr(0, 300));
  }
  fs::rename(tmp, object);
}

// The Verilator runtime, compiled once per Verilator installation.
std::vector<std::string> runtime_objects() {
  const std::string inc = verilator_include_dir();
  const std::string key = ContentHash().add_file(inc + "/verilated.cpp").add(compiler()).hex();
  const std::string dir = cache_path("runtime/" + key + "/x");
  std::vector<std::string> objects;
  std::vector<std::function<void()>> jobs;
  for (const char* src : {"verilated.cpp", "verilated_threads.cpp"}) {
    const std::string obj = fs::path(dir).parent_path().string() + "/" + src + ".o";
    objects.push_back(obj);
    if (!fs::exists(obj)) jobs.push_back([=] { compile_object(inc + "/" + src, obj, {}, inc + "/" + src); });
  }
  if (!jobs.empty()) fmt::print(stderr, "alwann: compiling the Verilator runtime (once)...\n");
  run_parallel(jobs);
  return objects;
}

std::string symbol_prefix(const ModelSource& s) { return "Valw_" + s.content_hash; }

// Verilates one model and compiles its C++ into cache/models/<hash>/*.o.
std::vector<std::string> model_objects(const ModelSource& s, std::vector<std::function<void()>>& jobs) {
  const std::string dir = fs::path(cache_path("models/" + s.content_hash + "/x")).parent_path().string();
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
  jobs.push_back([=] { compile_object(unity_path, obj, {mdir}, s.path); });
  std::vector<std::string> objs = {obj};
  return objs;  // objects.txt is written once the jobs ran (compile_models)
}

// Verilates the models to build (one Verilator per core), then compiles them
// several per translation unit: parsing verilated.h dominates a model's
// compile (1.6 s alone; 8 models in one unit 3.3 s). Groups are sized so
// every core gets one; a group that fails is compiled model by model, so the
// failing model is the one reported. errors[i] is set for sources that failed.
void build_models(const std::vector<ModelSource>& sources, const std::vector<size_t>& todo,
                  std::vector<std::vector<std::string>>& objects, std::vector<std::string>& errors) {
  std::vector<std::function<void()>> alone(sources.size());  // each model's own compile job
  {
    Progress progress("verilating", todo.size());
    std::vector<std::function<void()>> tasks;
    for (const size_t i : todo)
      tasks.push_back([&, i] {
        std::vector<std::function<void()>> compile;
        objects[i] = model_objects(sources[i], compile);
        if (!compile.empty()) alone[i] = compile.front();
        progress.step(sources[i].path);
      });
    const auto failed = run_parallel_collect(tasks);
    progress.finish();
    for (size_t t = 0; t < todo.size(); ++t)
      if (!failed[t].empty()) errors[todo[t]] = failed[t];
  }
  std::vector<size_t> ok;
  for (const size_t i : todo)
    if (errors[i].empty() && alone[i]) ok.push_back(i);
  if (ok.empty()) return;
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const size_t per_group = std::clamp<size_t>((ok.size() + cores - 1) / cores, 1, 8);
  Progress progress("compiling", ok.size());
  std::vector<std::function<void()>> jobs;
  for (size_t g = 0; g < ok.size(); g += per_group) {
    const std::vector<size_t> members(ok.begin() + g, ok.begin() + std::min(g + per_group, ok.size()));
    jobs.push_back([&, members] {
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
          compile_object(base + ".cpp", base + ".o", includes, sources[members.front()].path);
          for (const size_t i : members) {
            objects[i] = {base + ".o"};
            progress.step(sources[i].path);
          }
          return;
        } catch (const std::exception&) {
          // compiled one by one below, to name the model that fails; the
          // group's unity source is of no use to anyone now
          std::error_code ec;
          fs::remove(base + ".cpp", ec);
        }
      }
      for (const size_t i : members) {
        try {
          alone[i]();
        } catch (const std::exception& e) {
          errors[i] = e.what();
        }
        progress.step(sources[i].path);
      }
    });
  }
  run_parallel_collect(jobs);
  progress.finish();
}

class LoadedModel final : public MultiplierModel {
 public:
  using New = void* (*)();
  using Delete = void (*)(void*);
  using Multiply = std::uint16_t (*)(void*, std::uint8_t, std::uint8_t);
  LoadedModel(New n, Delete d, Multiply m) : delete_(d), multiply_(m), model_(n()) {}
  ~LoadedModel() override { delete_(model_); }
  std::uint16_t multiply(std::uint8_t a, std::uint8_t b) override { return multiply_(model_, a, b); }

 private:
  Delete delete_;
  Multiply multiply_;
  void* model_;
};

}  // namespace

std::vector<CompiledModel> compile_models(const std::vector<ModelSource>& sources) {
  std::vector<CompiledModel> results(sources.size());
  if (sources.empty()) return results;
  // Models not in the cache are built (build_models); failures are recorded
  // per source.
  std::vector<std::vector<std::string>> objects(sources.size());
  std::vector<std::string> done_lists(sources.size());
  std::vector<size_t> task_source;
  for (size_t i = 0; i < sources.size(); ++i) {
    const std::string dir = fs::path(cache_path("models/" + sources[i].content_hash + "/x")).parent_path().string();
    done_lists[i] = dir + "/objects.txt";
    if (fs::exists(done_lists[i])) {
      std::vector<std::function<void()>> none;
      objects[i] = model_objects(sources[i], none);  // cached: reads objects.txt
      continue;
    }
    task_source.push_back(i);
  }
  if (!task_source.empty()) {
    std::vector<std::string> errors(sources.size());
    build_models(sources, task_source, objects, errors);
    for (const size_t i : task_source)
      if (!errors[i].empty()) {
        results[i].error = errors[i];
        std::error_code ec;
        fs::remove_all(fs::path(done_lists[i]).parent_path(), ec);  // nothing half-built stays cached
      }
  }
  ContentHash batch;
  std::vector<std::string> link_objects;
  for (size_t i = 0; i < sources.size(); ++i) {
    if (!results[i].error.empty()) continue;
    batch.add(sources[i].content_hash);
    if (!fs::exists(done_lists[i])) {
      std::string list;
      for (const auto& o : objects[i]) list += o + "\n";
      write_file_atomically(done_lists[i], list);
    }
    for (const auto& o : objects[i])  // models compiled together share one object
      if (std::find(link_objects.begin(), link_objects.end(), o) == link_objects.end()) link_objects.push_back(o);
  }
  if (link_objects.empty()) return results;
  const std::string so = cache_path("batches/" + batch.hex() + ".so");
  if (!fs::exists(so)) {
    std::vector<std::string> objs = runtime_objects();
    objs.insert(objs.end(), link_objects.begin(), link_objects.end());
    const std::string so_tmp = so + ".tmp" + std::to_string(::getpid());
    std::vector<std::string> argv = {compiler(), "-shared", "-o", so_tmp};
    argv.insert(argv.end(), objs.begin(), objs.end());
    argv.push_back("-lpthread");
    const ProcessResult r = run_process(argv);
    if (r.status != 0) {
      std::error_code ec;
      fs::remove(so_tmp, ec);
      throw Error("linking the Verilated models failed: " + r.output.substr(0, 300));
    }
    fs::rename(so_tmp, so);
  }
  void* handle = ::dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    // A damaged cached object: drop it and the batch's objects, build again once.
    const std::string why = ::dlerror();
    static thread_local int retries = 0;
    std::error_code ec;
    fs::remove(so, ec);
    if (retries++ == 0) {
      for (size_t i = 0; i < sources.size(); ++i)
        if (results[i].error.empty()) fs::remove_all(fs::path(done_lists[i]).parent_path(), ec);
      auto again = compile_models(sources);
      retries = 0;
      return again;
    }
    retries = 0;
    throw file_error(so, "cannot load compiled models: " + why);
  }
  for (size_t i = 0; i < sources.size(); ++i) {
    if (!results[i].error.empty()) continue;
    const std::string p = symbol_prefix(sources[i]);
    auto n = reinterpret_cast<LoadedModel::New>(::dlsym(handle, (p + "_new").c_str()));
    auto d = reinterpret_cast<LoadedModel::Delete>(::dlsym(handle, (p + "_delete").c_str()));
    auto m = reinterpret_cast<LoadedModel::Multiply>(::dlsym(handle, (p + "_multiply").c_str()));
    if (!n || !d || !m) throw file_error(so, "compiled models lack the entry points of " + sources[i].path);
    results[i].factory = [n, d, m] { return std::make_unique<LoadedModel>(n, d, m); };
  }
  return results;
}

}  // namespace alwann::rtl
