#include "common/PathQuery.hpp"

#include <filesystem>
#include <system_error>

namespace alwann {

namespace fs = std::filesystem;

bool path_exists(const std::string& path) noexcept {
  std::error_code ec;
  return fs::exists(fs::status(path, ec));
}

bool is_regular_file_path(const std::string& path) noexcept {
  std::error_code ec;
  return fs::is_regular_file(fs::status(path, ec));
}

bool is_directory_path(const std::string& path) noexcept {
  std::error_code ec;
  return fs::is_directory(fs::status(path, ec));
}

}  // namespace alwann
