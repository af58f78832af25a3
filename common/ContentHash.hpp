#pragma once
// Content hashes used as cache keys (64-bit FNV-1a; collisions are not a
// security concern here, only accidental ones, and 64 bits make those rare).
#include <cstdint>
#include <string>
#include <string_view>

namespace alwann {

class ContentHash {
 public:
  ContentHash& add(std::string_view bytes);
  ContentHash& add_file(const std::string& path);  // throws alwann::Error if unreadable
  std::uint64_t value() const { return h_; }
  std::string hex() const;  // 16 lowercase hex digits

 private:
  std::uint64_t h_ = 1469598103934665603ull;
};

std::string read_file(const std::string& path);  // throws alwann::Error if unreadable

}  // namespace alwann
