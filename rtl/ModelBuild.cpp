#include "rtl/ModelBuild.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
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

namespace alwann::rtl::model_build {

namespace fs = std::filesystem;

std::string compiler() {
  const char* c = std::getenv("CXX");
  return (c && *c) ? c : ALWANN_CXX_COMPILER;
}

namespace {
std::vector<std::string> compile_flags(const std::vector<std::string>& includes) {
  const std::string inc = verilator_include_dir();
  std::vector<std::string> f = {"-std=c++17", "-O1", "-fPIC", "-w", "-faligned-new", "-DVM_TRACE=0",
                                "-DVM_COVERAGE=0", "-DVM_SC=0", "-I" + inc, "-I" + inc + "/vltstd"};
  for (const auto& i : includes) f.push_back("-I" + i);
  return f;
}

// The precompiled verilated.h ("" when the compiler could not build it:
// models then parse the header themselves, only slower).
std::string precompiled_header() {
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  const std::string header = runtime_dir() + "/alwann_verilated_pch.h", gch = header + ".gch";
  if (fs::exists(gch)) return header;
  static bool failed = false;  // tried once per process
  if (failed) return "";
  try {
    if (!fs::exists(header)) write_file_atomically(header, "#include \"verilated.h\"\n");
    std::vector<std::string> argv = {compiler()};
    for (auto& f : compile_flags({})) argv.push_back(f);
    argv.insert(argv.end(), {"-x", "c++-header", header});
    if (run_into(argv, gch).status == 0) return header;
  } catch (const std::exception&) {
  }
  failed = true;
  return "";
}

}  // namespace

const std::string& runtime_key() {
  static const std::string key = [] {
    const std::string inc = verilator_include_dir();
    return ContentHash().add_file(inc + "/verilated.cpp").add_file(inc + "/verilated.h").add(compiler()).hex().substr(0, 16);
  }();
  return key;
}

std::string runtime_dir() { return fs::path(cache_path("runtime/" + runtime_key() + "/x")).parent_path().string(); }

ProcessResult run_into(std::vector<std::string> argv, const std::string& output) {
  const std::string tmp = output + ".tmp" + std::to_string(::getpid());
  argv.insert(argv.end(), {"-o", tmp});
  const ProcessResult r = run_process(argv);
  std::error_code ec;
  if (r.status != 0) fs::remove(tmp, ec);
  else fs::rename(tmp, output);
  return r;
}

void compile_object(const std::string& source, const std::string& object, const std::vector<std::string>& includes,
                    const std::string& file_for_errors, bool with_pch) {
  std::vector<std::string> argv = {compiler()};
  for (auto& f : compile_flags(includes)) argv.push_back(f);
  if (with_pch)
    if (const std::string pch = precompiled_header(); !pch.empty()) argv.insert(argv.end(), {"-include", pch});
  argv.insert(argv.end(), {"-c", source});
  const ProcessResult r = run_into(argv, object);
  if (r.status != 0)
    throw file_error(file_for_errors, "C++ compiler failed on the Verilated model: " + r.output.substr(0, 300));
}

std::vector<std::string> run_parallel_collect(const std::vector<std::function<void()>>& jobs) {
  std::atomic<size_t> next{0};
  std::vector<std::string> errors(jobs.size());
  const unsigned n =
      std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(), static_cast<unsigned>(jobs.size())));
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

void run_parallel(const std::vector<std::function<void()>>& jobs) {
  for (const auto& e : run_parallel_collect(jobs))
    if (!e.empty()) throw Error(e);
}

}  // namespace alwann::rtl::model_build
