#include "common/AtomicFile.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/Error.hpp"

namespace alwann {

namespace fs = std::filesystem;

void write_file_atomically(const std::string& path, const std::string& content) {
  fs::path p(path);
  if (p.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    if (ec) throw file_error(p.parent_path().string(), "cannot create directory: " + ec.message());
  }
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw file_error(path, "cannot write file");
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) {
      std::remove(tmp.c_str());
      throw file_error(path, "write failed");
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw file_error(path, "cannot rename into place: " + ec.message());
  }
}

void OutputSet::stage(const std::string& path, std::string content) {
  pending_.push_back({path, std::move(content)});
}

void OutputSet::commit() {
  std::vector<std::string> written;
  try {
    for (const auto& f : pending_) {
      write_file_atomically(f.path, f.content);
      written.push_back(f.path);
    }
  } catch (...) {
    for (const auto& w : written) std::remove(w.c_str());
    throw;
  }
  pending_.clear();
}

}  // namespace alwann
