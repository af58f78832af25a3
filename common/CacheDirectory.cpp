#include "common/CacheDirectory.hpp"

#include <cstdlib>
#include <filesystem>

#include "common/Error.hpp"

namespace alwann {

namespace fs = std::filesystem;

std::string cache_directory() {
  std::string dir;
  if (const char* d = std::getenv("ALWANN_CACHE_DIR"); d && *d) {
    dir = d;
  } else if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) {
    dir = std::string(x) + "/alwann";
  } else if (const char* h = std::getenv("HOME"); h && *h) {
    dir = std::string(h) + "/.cache/alwann";
  } else {
    dir = (fs::temp_directory_path() / "alwann-cache").string();
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw file_error(dir, "cannot create cache directory: " + ec.message());
  return dir;
}

std::string cache_path(const std::string& relative) {
  fs::path p = fs::path(cache_directory()) / relative;
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  if (ec) throw file_error(p.parent_path().string(), "cannot create directory: " + ec.message());
  return p.string();
}

}  // namespace alwann
