#pragma once
// Output files appear whole or not at all. The content is written to an
// unnamed file in the target's folder (O_TMPFILE; else "<path>.tmp.<pid>"),
// then renamed over <path>. A failure or a kill -9 before the rename leaves
// no partial output behind (the brief: bad input -> no partial output files).
//
// Only regular files are replaced: a target that exists as a directory, FIFO,
// device or socket is refused (as root, `--json /dev/full` once replaced the
// device). A symbolic link is followed: its target is replaced, atomically,
// and the link stays.
#include <string>
#include <vector>

namespace alwann {

void write_file_atomically(const std::string& path, const std::string& content);

// Throws the error write_file_atomically would give for a target that is not
// a regular file, so a command can refuse it before minutes of work.
void check_output_path(const std::string& path);

// Removes "<target>.tmp.<pid>" files whose process no longer exists (left by
// a writer killed between writing and renaming on a file system without O_TMPFILE).
void remove_stale_temporaries(const std::string& target);

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
