#include "common/ContentHash.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "common/Error.hpp"

namespace alwann {

ContentHash& ContentHash::add(std::string_view bytes) {
  for (unsigned char c : bytes) {
    h_ ^= c;
    h_ *= 1099511628211ull;
  }
  // A separator so that add("ab").add("c") differs from add("a").add("bc").
  h_ ^= 0xff;
  h_ *= 1099511628211ull;
  return *this;
}

ContentHash& ContentHash::add_file(const std::string& path) { return add(read_file(path)); }

std::string ContentHash::hex() const { return fmt::format("{:016x}", h_); }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw file_error(path, "cannot read file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace alwann
