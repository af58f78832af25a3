#include "common/AtomicFile.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "common/Error.hpp"

namespace alwann {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxSymlinkHops = 40;  // as the kernel's ELOOP limit

// The file really to be replaced: a symbolic link is followed to its final
// target, so the rename lands on the target and the link stays a link.
fs::path resolve_output_target(const std::string& path) {
  fs::path p(path);
  std::error_code ec;
  for (int hops = 0; fs::is_symlink(fs::symlink_status(p, ec)); ++hops) {
    if (hops == kMaxSymlinkHops) throw file_error(path, "too many levels of symbolic links");
    const fs::path target = fs::read_symlink(p, ec);
    if (ec) throw file_error(path, "cannot read the symbolic link: " + ec.message());
    p = target.is_absolute() ? target : p.parent_path() / target;
  }
  const fs::file_status st = fs::status(p, ec);
  if (fs::exists(st) && !fs::is_regular_file(st)) {
    const char* kind = fs::is_directory(st) ? "a directory" : fs::is_fifo(st) ? "a FIFO"
                       : fs::is_character_file(st) ? "a character device" : fs::is_block_file(st) ? "a block device"
                       : fs::is_socket(st) ? "a socket" : "not a regular file";
    throw file_error(path, std::string("is ") + kind + "; outputs only replace regular files");
  }
  return p;
}

bool write_all(int fd, const std::string& content) {
  const char* at = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, at, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    at += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

std::string temporary_name(const fs::path& target) { return target.string() + ".tmp." + std::to_string(::getpid()); }

// Linux: an unnamed file in the target's folder, named only once complete,
// so a process killed mid-write leaves nothing behind.
bool write_unnamed_then_link(const fs::path& target, const std::string& content, std::string& tmp) {
#ifdef O_TMPFILE
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0) return false;  // file system without O_TMPFILE: the named temporary below
  const bool ok = write_all(fd, content);
  tmp = temporary_name(target);
  const std::string proc = "/proc/self/fd/" + std::to_string(fd);
  std::remove(tmp.c_str());
  const bool linked = ok && ::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, tmp.c_str(), AT_SYMLINK_FOLLOW) == 0;
  ::close(fd);
  if (!ok) throw file_error(target.string(), std::string("write failed: ") + std::strerror(errno));
  return linked;
#else
  (void)target, (void)content, (void)tmp;
  return false;
#endif
}

}  // namespace

void remove_stale_temporaries(const std::string& target) {
  const fs::path p(target);
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  const std::string prefix = p.filename().string() + ".tmp.";
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string pid_text = name.substr(prefix.size());
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    const long pid = std::strtol(pid_text.c_str(), nullptr, 10);
    if (pid == ::getpid() || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    std::error_code ignored;
    fs::remove(it->path(), ignored);  // its writer is gone (kill -9, power loss)
  }
}

void check_output_path(const std::string& path) { resolve_output_target(path); }

void write_file_atomically(const std::string& path, const std::string& content) {
  const fs::path target = resolve_output_target(path);
  if (target.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) throw file_error(target.parent_path().string(), "cannot create directory: " + ec.message());
  }
  remove_stale_temporaries(target.string());
  std::string tmp;
  if (!write_unnamed_then_link(target, content, tmp)) {
    tmp = temporary_name(target);
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) throw file_error(path, std::string("cannot write file: ") + std::strerror(errno));
    const bool ok = write_all(fd, content);
    ::close(fd);
    if (!ok) {
      std::remove(tmp.c_str());
      throw file_error(path, "write failed");
    }
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw file_error(path, "cannot rename into place: " + ec.message());
  }
}

void OutputSet::stage(const std::string& path, std::string content) {
  pending_.push_back({path, std::move(content)});
}

void OutputSet::commit() {
  // Refuse special files before writing any, so a bad second path leaves no first file.
  for (const auto& f : pending_) resolve_output_target(f.path);
  std::vector<std::string> written;
  try {
    for (const auto& f : pending_) {
      write_file_atomically(f.path, f.content);
      written.push_back(f.path);
    }
  } catch (...) {
    for (const auto& w : written) std::remove(resolve_output_target(w).c_str());
    throw;
  }
  pending_.clear();
}

}  // namespace alwann
