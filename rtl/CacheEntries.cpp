#include "rtl/CacheEntries.hpp"

#include <signal.h>

#include <cerrno>
#include <filesystem>
#include <mutex>
#include <regex>

#include "common/AtomicFile.hpp"
#include "common/CacheDirectory.hpp"
#include "common/ContentHash.hpp"
#include "common/Error.hpp"

namespace alwann::rtl {

namespace fs = std::filesystem;

std::optional<ProductTable> load_cached_table(const std::string& path, const std::string& name, bool is_signed) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  try {
    const std::string sum = read_file(path + ".sum");
    if (sum != ContentHash().add(read_file(path)).hex()) throw Error("checksum mismatch");
    return ProductTable::load_bin(path, name, is_signed);
  } catch (const Error&) {
    fs::remove(path, ec);  // damaged or from a run killed mid-write: rebuilt by the caller
    fs::remove(path + ".sum", ec);
    return std::nullopt;
  }
}

void save_cached_table(const std::string& path, const ProductTable& table) {
  const std::string bytes = table.bin_bytes();
  write_file_atomically(path, bytes);
  write_file_atomically(path + ".sum", ContentHash().add(bytes).hex());
}

void remove_stale_cache_temporaries() {
  static std::once_flag once;
  std::call_once(once, [] {
    static const std::regex temporary(".*\\.tmp\\.?([0-9]+)$");
    std::error_code ec;
    for (const char* sub : {"models", "groups", "batches", "runtime", "tables", "netlists"}) {
      const fs::path dir = fs::path(cache_directory()) / sub;
      if (!fs::is_directory(dir, ec)) continue;
      for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        std::smatch m;
        const std::string name = it->path().filename().string();
        if (!std::regex_match(name, m, temporary)) continue;
        const long pid = std::stol(m[1].str());
        if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
          std::error_code rm;
          if (it->is_directory(rm)) it.disable_recursion_pending();
          fs::remove_all(it->path(), rm);  // a file, or a Verilator output folder
        }
      }
    }
  });
}

}  // namespace alwann::rtl
