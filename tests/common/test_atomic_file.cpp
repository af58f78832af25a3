// Output files: whole or absent, never replacing special files, written
// through symbolic links (issue 11 §1); stale temporaries cleaned.
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/AtomicFile.hpp"
#include "common/CacheDirectory.hpp"
#include "common/Error.hpp"

namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("alwann-atomic-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A pid no process has: a child that has exited and been reaped.
pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

TEST_CASE("atomic file: replaces a regular file and leaves no temporary", "[common][atomic]") {
  const fs::path d = scratch("regular");
  alwann::write_file_atomically((d / "out.json").string(), "old");
  alwann::write_file_atomically((d / "out.json").string(), "new content");
  CHECK(slurp(d / "out.json") == "new content");
  CHECK(entries(d) == 1);
  fs::remove_all(d);
}

TEST_CASE("atomic file: a FIFO, a directory or a device is refused and left as it was", "[common][atomic]") {
  const fs::path d = scratch("special");
  const fs::path fifo = d / "fifo", dir = d / "dir";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  fs::create_directories(dir);
  CHECK_THROWS_WITH(alwann::write_file_atomically(fifo.string(), "x"), Catch::Contains("is a FIFO"));
  CHECK(fs::is_fifo(fifo));
  CHECK_THROWS_WITH(alwann::write_file_atomically(dir.string(), "x"), Catch::Contains("is a directory"));
  CHECK(fs::is_directory(dir));
  // A symlink to a directory: refused too, the link stays.
  fs::create_directory_symlink(dir, d / "dirlink");
  CHECK_THROWS_WITH(alwann::write_file_atomically((d / "dirlink").string(), "x"), Catch::Contains("is a directory"));
  CHECK(fs::is_symlink(d / "dirlink"));
  // A character device of our own (root only: mknod), never /dev/null itself.
  const fs::path dev = d / "null";
  if (::mknod(dev.c_str(), S_IFCHR | 0600, makedev(1, 3)) == 0) {
    CHECK_THROWS_WITH(alwann::write_file_atomically(dev.string(), "x"), Catch::Contains("is a character device"));
    CHECK(fs::is_character_file(dev));
  }
  // A set of outputs with one bad path writes none of them.
  alwann::OutputSet set;
  set.stage((d / "a.csv").string(), "a");
  set.stage(fifo.string(), "b");
  CHECK_THROWS(set.commit());
  CHECK_FALSE(fs::exists(d / "a.csv"));
  fs::remove_all(d);
}

TEST_CASE("atomic file: a symbolic link is written through, the link stays", "[common][atomic]") {
  const fs::path d = scratch("symlink");
  fs::create_directories(d / "real");
  alwann::write_file_atomically((d / "real/target.json").string(), "old");
  fs::create_symlink("real/target.json", d / "link.json");  // relative, as users make them
  alwann::write_file_atomically((d / "link.json").string(), "new");
  CHECK(fs::is_symlink(d / "link.json"));
  CHECK(slurp(d / "real/target.json") == "new");
  // Two hops, the last one dangling: the final target is created.
  fs::create_symlink(d / "real/missing.json", d / "hop2");
  fs::create_symlink(d / "hop2", d / "hop1");
  alwann::write_file_atomically((d / "hop1").string(), "made");
  CHECK(fs::is_symlink(d / "hop1"));
  CHECK(fs::is_symlink(d / "hop2"));
  CHECK(slurp(d / "real/missing.json") == "made");
  CHECK(entries(d / "real") == 2);
  fs::remove_all(d);
}

TEST_CASE("atomic file: temporaries of a killed writer are removed by the next write", "[common][atomic]") {
  const fs::path d = scratch("stale");
  const fs::path stale = d / ("out.json.tmp." + std::to_string(dead_pid()));
  std::ofstream(stale) << "half";
  const fs::path live = d / ("out.json.tmp." + std::to_string(::getppid()));  // a live process: kept
  std::ofstream(live) << "busy";
  alwann::write_file_atomically((d / "out.json").string(), "whole");
  CHECK_FALSE(fs::exists(stale));
  CHECK(fs::exists(live));
  CHECK(slurp(d / "out.json") == "whole");
  fs::remove_all(d);
}

TEST_CASE("cache: stale temporaries of dead writers are removed once old enough", "[common][cache]") {
  const fs::path d = scratch("cache");
  fs::create_directories(d / "batches");
  const std::string pid = std::to_string(dead_pid());
  const fs::path old_so = d / "batches" / ("abc.so.tmp" + pid), young = d / "batches" / ("def.so.tmp" + pid);
  const fs::path live = d / "batches" / ("ghi.so.tmp" + std::to_string(::getppid())), entry = d / "batches" / "abc.so";
  for (const auto& p : {old_so, young, live, entry}) std::ofstream(p) << "x";
  const auto two_hours_ago = fs::file_time_type::clock::now() - std::chrono::hours(2);
  fs::last_write_time(old_so, two_hours_ago);
  fs::last_write_time(live, two_hours_ago);
  CHECK(alwann::remove_stale_cache_temporaries(d.string(), 3600) == 1);
  CHECK_FALSE(fs::exists(old_so));
  CHECK(fs::exists(young));  // may belong to a writer on another host sharing the cache
  CHECK(fs::exists(live));
  CHECK(fs::exists(entry));
  fs::remove_all(d);
}
