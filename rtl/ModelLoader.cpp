#include "rtl/ModelLoader.hpp"

#include <dlfcn.h>
#include <fmt/core.h>

#include <filesystem>
#include <mutex>

#include "common/CacheDirectory.hpp"
#include "common/ContentHash.hpp"
#include "common/Error.hpp"
#include "rtl/ModelBuild.hpp"
#include "rtl/VerilatorRunner.hpp"

namespace alwann::rtl {

namespace fs = std::filesystem;
using namespace model_build;

namespace {

struct Runtime {
  std::string key, library;  // cache/runtime/<key>/libalwann_verilated_<key>.so
};

// Links `argv` into `output` atomically (run_into); throws naming `what`.
void link(const std::vector<std::string>& argv, const std::string& output, const std::string& what) {
  const ProcessResult r = run_into(argv, output);
  if (r.status != 0) throw Error("linking " + what + " failed: " + r.output.substr(0, 300));
}

// The Verilator runtime as a shared library, built once per installation and
// compiler into the cache. Its soname carries the key, so two runtimes never
// pass for one.
Runtime runtime() {
  static std::mutex mutex;
  static const std::string inc = verilator_include_dir();
  const std::string& key = runtime_key();
  std::lock_guard<std::mutex> lock(mutex);
  const std::string dir = runtime_dir();
  const std::string soname = "libalwann_verilated_" + key + ".so", library = dir + "/" + soname;
  if (!fs::exists(library)) {
    std::vector<std::string> objects;
    std::vector<std::function<void()>> jobs;
    for (const char* src : {"verilated.cpp", "verilated_threads.cpp"}) {
      const std::string obj = dir + "/" + src + ".o";
      objects.push_back(obj);
      if (!fs::exists(obj)) jobs.push_back([=] { compile_object(inc + "/" + src, obj, {}, inc + "/" + src); });
    }
    if (!jobs.empty()) fmt::print(stderr, "alwann: compiling the Verilator runtime (once)...\n");
    run_parallel(jobs);
    std::vector<std::string> argv = {compiler(), "-shared", "-Wl,-soname," + soname};
    argv.insert(argv.end(), objects.begin(), objects.end());
    argv.push_back("-lpthread");
    link(argv, library, "the Verilator runtime");
  }
  return {key, library};
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

std::vector<LoadedModelFactory> load_models(const std::vector<std::string>& objects,
                                            const std::vector<std::string>& prefixes, const std::string& key) {
  const Runtime rt = runtime();
  // The runtime is found next to the cache's batches wherever the cache lives.
  const std::string so = cache_path("batches/" + key + "-" + rt.key + ".so");
  void* handle = nullptr;
  for (int attempt = 0; attempt < 2 && !handle; ++attempt) {
    if (!fs::exists(so)) {
      std::vector<std::string> argv = {compiler(), "-shared"};
      argv.insert(argv.end(), objects.begin(), objects.end());
      argv.insert(argv.end(), {rt.library, "-Wl,-rpath,$ORIGIN/../runtime/" + rt.key, "-lpthread"});
      link(argv, so, "the Verilated models");
    }
    handle = ::dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const std::string why = ::dlerror();
      std::error_code ec;
      fs::remove(so, ec);  // damaged: linked again once
      if (attempt == 1) throw file_error(so, "cannot load compiled models: " + why);
    }
  }
  std::vector<LoadedModelFactory> factories;
  for (const auto& p : prefixes) {
    auto n = reinterpret_cast<LoadedModel::New>(::dlsym(handle, (p + "_new").c_str()));
    auto d = reinterpret_cast<LoadedModel::Delete>(::dlsym(handle, (p + "_delete").c_str()));
    auto m = reinterpret_cast<LoadedModel::Multiply>(::dlsym(handle, (p + "_multiply").c_str()));
    if (!n || !d || !m) throw file_error(so, "compiled models lack the entry points of " + p);
    factories.push_back([n, d, m] { return std::make_unique<LoadedModel>(n, d, m); });
  }
  return factories;
}

}  // namespace alwann::rtl
