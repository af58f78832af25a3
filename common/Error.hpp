#pragma once
// The one exception type users see: its message is a complete one-line
// diagnostic naming the file, line or node at fault. The CLI prints it and
// exits non-zero.
#include <stdexcept>
#include <string>

namespace alwann {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Error about a file: "<path>: <what>"; with a line: "<path>:<line>: <what>".
Error file_error(const std::string& path, const std::string& what);
Error file_error(const std::string& path, int line, const std::string& what);

}  // namespace alwann
