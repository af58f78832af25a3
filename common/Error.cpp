#include "common/Error.hpp"

namespace alwann {

Error file_error(const std::string& path, const std::string& what) {
  return Error(path + ": " + what);
}

Error file_error(const std::string& path, int line, const std::string& what) {
  return Error(path + ":" + std::to_string(line) + ": " + what);
}

}  // namespace alwann
