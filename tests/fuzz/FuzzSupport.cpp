#include "FuzzSupport.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace alwann::fuzz {

namespace fs = std::filesystem;

namespace {
struct ScratchDir {
  std::string path;
  ScratchDir() {
    const fs::path p = fs::temp_directory_path() / ("alwann-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(p);
    path = p.string();
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};
}  // namespace

const std::string& scratch_dir() {
  static const ScratchDir dir;
  return dir.path;
}

std::string write_input(const std::string& name, const std::uint8_t* data, std::size_t size) {
  const std::string path = scratch_dir() + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) std::abort();  // the harness itself failed: not a finding in the loader
  return path;
}

std::string source_path(const std::string& relative) { return std::string(ALWANN_SOURCE_DIR) + "/" + relative; }

}  // namespace alwann::fuzz
