#pragma once
// Shared steps of building Verilated models at run time (ModelCompiler,
// ModelLoader): the C++ compiler, its flags, and running jobs on all cores.
#include <functional>
#include <string>
#include <vector>

#include "rtl/VerilatorRunner.hpp"

namespace alwann::rtl::model_build {

std::string compiler();  // $CXX, else the compiler alwann was built with

// Names the Verilator installation and compiler: the cache keys of the
// runtime library and the precompiled header, which live in runtime_dir().
const std::string& runtime_key();
std::string runtime_dir();  // cache/runtime/<runtime_key()>

// Runs a compiler or linker command with `-o` a temporary of this process,
// renamed to `output` on success (removed on failure), so a concurrent
// reader never sees a partial file. Returns the command's result.
ProcessResult run_into(std::vector<std::string> argv, const std::string& output);

// Compiles one translation unit into `object` (atomically: a temporary, then
// renamed). Throws "<file_for_errors>: C++ compiler failed ..." on failure.
// Models (with_pch) start from a precompiled verilated.h, built once into the
// cache: parsing it was most of a small model's compile (1.6 s of CPU per
// translation unit; 0.2 s with the precompiled header).
void compile_object(const std::string& source, const std::string& object, const std::vector<std::string>& includes,
                    const std::string& file_for_errors, bool with_pch = false);

// Runs the jobs on all cores; returns each job's error message ("" = ok).
std::vector<std::string> run_parallel_collect(const std::vector<std::function<void()>>& jobs);
// The same; the first failure's message is rethrown as alwann::Error.
void run_parallel(const std::vector<std::function<void()>>& jobs);

}  // namespace alwann::rtl::model_build
