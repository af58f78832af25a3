#include "common/CacheDirectory.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "common/Error.hpp"

namespace alwann {

namespace fs = std::filesystem;

namespace {

// The pid in "<name>.tmp<pid>" / "<name>.tmp.<pid>", or 0 when the name is not a temporary.
long temporary_owner(const std::string& name) {
  const auto at = name.rfind(".tmp");
  if (at == std::string::npos) return 0;
  std::string digits = name.substr(at + 4);
  if (!digits.empty() && digits[0] == '.') digits.erase(0, 1);
  if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::strtol(digits.c_str(), nullptr, 10);
}

}  // namespace

int remove_stale_cache_temporaries(const std::string& dir, long min_age_s) {
  int removed = 0;
  std::error_code ec;
  const auto now = fs::file_time_type::clock::now();
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const long pid = temporary_owner(it->path().filename().string());
    if (pid <= 0 || pid == ::getpid()) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // its writer may still run
    std::error_code age_ec;
    const auto written = fs::last_write_time(it->path(), age_ec);
    if (age_ec || now - written < std::chrono::seconds(min_age_s)) continue;
    std::error_code rm_ec;
    if (it->is_directory(rm_ec)) it.disable_recursion_pending();
    if (fs::remove_all(it->path(), rm_ec) > 0 && !rm_ec) ++removed;
  }
  return removed;
}

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
  static std::once_flag cleaned;
  std::call_once(cleaned, [&dir] { remove_stale_cache_temporaries(dir, 3600); });
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
