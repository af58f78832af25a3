#pragma once
// Integrity of rtl's cache entries (common/CacheDirectory): a product table
// is stored with a content-hash sidecar, so a damaged entry (truncated,
// overwritten) is detected, dropped and rebuilt instead of failing or being
// trusted; temporaries of killed runs are removed.
#include <optional>
#include <string>

#include "rtl/ProductTable.hpp"

namespace alwann::rtl {

// The cached table at `path`, or nullopt when absent or damaged (then removed).
std::optional<ProductTable> load_cached_table(const std::string& path, const std::string& name, bool is_signed);
void save_cached_table(const std::string& path, const ProductTable& table);

// Removes "*.tmp<pid>" / "*.tmp.<pid>" files under the cache whose process is
// gone (a run killed with -9 leaves them). Once per process; cheap afterwards.
void remove_stale_cache_temporaries();

}  // namespace alwann::rtl
