#pragma once
// Filesystem queries on paths users wrote (YAML files, options), which must
// never throw: std::filesystem::exists(p) throws for a path the system
// cannot even look up (a name longer than it allows, a loop of symbolic
// links, a folder without search permission), and that reached the CLI as
// an internal error (found by fuzz_accelerator_yaml and fuzz_mapping_yaml).
// Such a path counts as missing, so the caller's "not found" error names it.
#include <string>

namespace alwann {

bool path_exists(const std::string& path) noexcept;
bool is_regular_file_path(const std::string& path) noexcept;
bool is_directory_path(const std::string& path) noexcept;

}  // namespace alwann
