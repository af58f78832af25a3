#pragma once
// Where alwann keeps derived artefacts (compiled multiplier models, netlists,
// product tables). $ALWANN_CACHE_DIR, else $XDG_CACHE_HOME/alwann, else
// ~/.cache/alwann. Entries are keyed by content hashes, so a stale entry is
// never reused and the directory may be deleted at any time.
#include <string>

namespace alwann {

std::string cache_directory();                        // created on first use
std::string cache_path(const std::string& relative);  // parent directories created

}  // namespace alwann
