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
#include "rtl/VerilatorRunner.hpp"

#ifndef ALWANN_CXX_COMPILER
#define ALWANN_CXX_COMPILER "c++"
#endif

namespace alwann::rtl {

namespace fs = std::filesystem;

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

// Runs the jobs on all cores; the first failure's message is rethrown.
void run_parallel(const std::vector<std::function<void()>>& jobs) {
  std::atomic<size_t> next{0};
  std::mutex m;
  std::string first_error;
  const unsigned n = std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(), static_cast<unsigned>(jobs.size())));
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < n; ++t)
    threads.emplace_back([&] {
      for (size_t i; (i = next++) < jobs.size();) {
        try {
          jobs[i]();
        } catch (const std::exception& e) {
          std::lock_guard<std::mutex> lock(m);
          if (first_error.empty()) first_error = e.what();
        }
      }
    });
  for (auto& t : threads) t.join();
  if (!first_error.empty()) throw Error(first_error);
}

void compile_object(const std::string& source, const std::string& object, const std::vector<std::string>& includes,
                    const std::string& file_for_errors) {
  std::vector<std::string> argv = {compiler()};
  for (auto& f : compile_flags(includes)) argv.push_back(f);
  const std::string tmp = object + ".tmp" + std::to_string(::getpid());
  argv.insert(argv.end(), {"-c", source, "-o", tmp});
  const ProcessResult r = run_process(argv);
  if (r.status != 0) throw file_error(file_for_errors, "C++ compiler failed on the Verilated model: " + r.output.substr(0, 300));
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
  std::vector<std::string> args = {"--cc", "-O3", "--x-assign", "fast", "--x-initial", "fast", "-Wno-fatal",
                                   "-Wno-lint", "-Wno-style", "--top-module", s.top_module, "--prefix", prefix,
                                   "-Mdir", mdir, s.path};
  for (const auto& l : s.libraries) args.push_back(l);
  run_verilator_or_throw(args, s.path);
  write_file_atomically(mdir + "/" + prefix + "__alwann.cpp", fmt::format(R"(// alwann's C entry points of one model
#include <cstdint>
#include <verilated.h>
#include "{0}.h"
namespace {{ struct Holder {{ VerilatedContext context; {0} top{{&context}}; }}; }}
extern "C" void* {0}_new() {{ return new Holder; }}
extern "C" void {0}_delete(void* p) {{ delete static_cast<Holder*>(p); }}
extern "C" std::uint16_t {0}_multiply(void* p, std::uint8_t a, std::uint8_t b) {{
  auto* h = static_cast<Holder*>(p); h->top.A = a; h->top.B = b; h->top.eval(); return h->top.O; }}
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

std::vector<std::function<MultiplierModelPtr()>> compile_models(const std::vector<ModelSource>& sources) {
  if (sources.empty()) return {};
  ContentHash batch;
  for (const auto& s : sources) batch.add(s.content_hash);
  const std::string so = cache_path("batches/" + batch.hex() + ".so");
  if (!fs::exists(so)) {
    std::vector<std::string> objects = runtime_objects();
    std::vector<std::function<void()>> jobs;
    std::vector<std::pair<std::string, std::vector<std::string>>> pending;  // objects.txt to write
    for (size_t i = 0; i < sources.size(); ++i) {
      fmt::print(stderr, "alwann: verilating {} ({}/{})\n", sources[i].path, i + 1, sources.size());
      const auto objs = model_objects(sources[i], jobs);
      objects.insert(objects.end(), objs.begin(), objs.end());
      pending.emplace_back(fs::path(objs.front()).parent_path().string() + "/objects.txt", objs);
    }
    fmt::print(stderr, "alwann: compiling {} model source files\n", jobs.size());
    run_parallel(jobs);
    for (const auto& [path, objs] : pending) {
      std::string list;
      for (const auto& o : objs) list += o + "\n";
      if (!fs::exists(path)) write_file_atomically(path, list);
    }
    const std::string so_tmp = so + ".tmp" + std::to_string(::getpid());
    std::vector<std::string> argv = {compiler(), "-shared", "-o", so_tmp};
    argv.insert(argv.end(), objects.begin(), objects.end());
    argv.push_back("-lpthread");
    const ProcessResult r = run_process(argv);
    if (r.status != 0) throw Error("linking the Verilated models failed: " + r.output.substr(0, 300));
    fs::rename(so_tmp, so);
  }
  void* handle = ::dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) throw file_error(so, std::string("cannot load compiled models: ") + ::dlerror());
  std::vector<std::function<MultiplierModelPtr()>> factories;
  for (const auto& s : sources) {
    const std::string p = symbol_prefix(s);
    auto n = reinterpret_cast<LoadedModel::New>(::dlsym(handle, (p + "_new").c_str()));
    auto d = reinterpret_cast<LoadedModel::Delete>(::dlsym(handle, (p + "_delete").c_str()));
    auto m = reinterpret_cast<LoadedModel::Multiply>(::dlsym(handle, (p + "_multiply").c_str()));
    if (!n || !d || !m) throw file_error(so, "compiled models lack the entry points of " + s.path);
    factories.push_back([n, d, m] { return std::make_unique<LoadedModel>(n, d, m); });
  }
  return factories;
}

}  // namespace alwann::rtl
