#pragma once
// Shared by the libFuzzer targets (docs/testing.md). Most loaders take
// paths, as the CLI calls them, so an input is written to a file in a
// per-process scratch directory first. alwann::Error is the expected outcome
// of bad input; any other exception escapes to libFuzzer, which reports it
// (uncaught exception -> abort) like a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/Error.hpp"

namespace alwann::fuzz {

// $TMPDIR/alwann-fuzz-<pid>, created on first use, removed at exit.
const std::string& scratch_dir();

// Writes `size` bytes to scratch_dir()/name (replacing it); returns the path.
std::string write_input(const std::string& name, const std::uint8_t* data, std::size_t size);

// The repository root (ALWANN_SOURCE_DIR), for fixed companions such as a model.
std::string source_path(const std::string& relative);

template <class F>
void expect_only_alwann_errors(F&& load) {
  try {
    load();
  } catch (const alwann::Error&) {
    // the documented outcome of bad input
  }
}

}  // namespace alwann::fuzz
