#pragma once
// Where alwann keeps derived artefacts (compiled multiplier models, netlists,
// product tables). $ALWANN_CACHE_DIR, else $XDG_CACHE_HOME/alwann, else
// ~/.cache/alwann. Entries are keyed by content hashes, so a stale entry is
// never reused and the directory may be deleted at any time.
#include <string>

namespace alwann {

std::string cache_directory();                        // created on first use
std::string cache_path(const std::string& relative);  // parent directories created

// Writers put "<entry>.tmp<pid>" or "<entry>.tmp.<pid>" beside an entry and
// rename it into place; a writer killed with -9 leaves it behind. Removes
// those whose process is gone and that are older than `min_age_s` (a writer
// on another host sharing the cache has a pid this host cannot check: the
// age keeps its work safe). Returns how many were removed. cache_directory()
// runs it once per process with one hour.
int remove_stale_cache_temporaries(const std::string& dir, long min_age_s);

}  // namespace alwann
