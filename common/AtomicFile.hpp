#pragma once
// Output files appear whole or not at all: content goes to "<path>.tmp.<pid>"
// and is renamed over <path> on commit(). A failure before commit() leaves no
// partial output behind (the brief: bad input -> no partial output files).
#include <string>
#include <vector>

namespace alwann {

void write_file_atomically(const std::string& path, const std::string& content);

// Several files that must all appear or none: stage() each, then commit().
class OutputSet {
 public:
  void stage(const std::string& path, std::string content);
  void commit();  // writes every staged file atomically; removes all on failure

 private:
  struct Pending { std::string path, content; };
  std::vector<Pending> pending_;
};

}  // namespace alwann
