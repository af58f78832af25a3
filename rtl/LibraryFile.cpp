#include "rtl/LibraryFile.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "common/Error.hpp"

namespace alwann::rtl {

namespace fs = std::filesystem;

namespace {

bool has_extension(const std::string& path, std::initializer_list<const char*> extensions) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* e : extensions)
    if (ext == e) return true;
  return false;
}

// The keys a library entry accepts, declared once (unknown keys are errors).
const std::set<std::string>& entry_keys() {
  static const std::set<std::string> keys = {"verilog", "table", "name", "signed", "power_mw", "area_um2", "delay_ns"};
  return keys;
}

int line_of(const YAML::Node& n) { return n.Mark().line >= 0 ? n.Mark().line + 1 : 0; }

std::vector<std::string> verilog_in_folder(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".v") files.push_back(e.path().string());
  if (files.empty()) throw file_error(dir, "folder holds no .v files");
  std::sort(files.begin(), files.end());
  return files;
}

LibraryItem plain_item(const std::string& path) {
  LibraryItem item;
  item.kind = is_table_file(path) ? LibraryItem::Kind::Table : LibraryItem::Kind::Verilog;
  item.path = path;
  item.name = fs::path(path).stem().string();
  return item;
}

std::optional<double> positive_number(const std::string& file, const YAML::Node& entry, const char* key) {
  const YAML::Node v = entry[key];
  if (!v) return std::nullopt;
  try {
    const double d = v.as<double>();
    if (!(d >= 0)) throw file_error(file, line_of(v), std::string(key) + " must be >= 0");
    return d;
  } catch (const YAML::Exception&) {
    throw file_error(file, line_of(v), std::string(key) + " must be a number");
  }
}

}  // namespace

bool is_library_file(const std::string& path) { return has_extension(path, {".yaml", ".yml"}); }
bool is_table_file(const std::string& path) { return has_extension(path, {".bin"}); }

std::vector<LibraryItem> read_library_file(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw file_error(path, "cannot read library file");
  } catch (const YAML::Exception& e) {
    throw file_error(path, e.mark.line + 1, "library file: " + e.msg);
  }
  if (!root.IsMap() || !root["multipliers"] || !root["multipliers"].IsSequence())
    throw file_error(path, "a library file is a map with a list 'multipliers:' (docs/multipliers.md)");
  for (auto it = root.begin(); it != root.end(); ++it)
    if (it->first.as<std::string>() != "multipliers")
      throw file_error(path, line_of(it->first), "unknown key '" + it->first.as<std::string>() + "' (expected multipliers)");
  const fs::path base = fs::path(path).parent_path();
  auto resolve = [&](const std::string& p) { return fs::path(p).is_absolute() || base.empty() ? p : (base / p).string(); };
  std::vector<LibraryItem> items;
  for (const auto& entry : root["multipliers"]) {
    const int line = line_of(entry);
    if (!entry.IsMap()) throw file_error(path, line, "each multiplier is a map {verilog: FILE | table: FILE, ...}");
    for (auto it = entry.begin(); it != entry.end(); ++it)
      if (!entry_keys().count(it->first.as<std::string>()))
        throw file_error(path, line_of(it->first), "unknown key '" + it->first.as<std::string>() +
                                                       "' (known: verilog, table, name, signed, power_mw, area_um2, delay_ns)");
    if (static_cast<bool>(entry["verilog"]) == static_cast<bool>(entry["table"]))
      throw file_error(path, line, "give exactly one of verilog: or table:");
    LibraryItem proto;
    proto.kind = entry["table"] ? LibraryItem::Kind::Table : LibraryItem::Kind::Verilog;
    const std::string given = entry[entry["table"] ? "table" : "verilog"].as<std::string>();
    if (entry["signed"]) {
      try {
        proto.is_signed = entry["signed"].as<bool>();
      } catch (const YAML::Exception&) {
        throw file_error(path, line_of(entry["signed"]), "signed must be true or false");
      }
    } else if (proto.kind == LibraryItem::Kind::Table) {
      throw file_error(path, line, "a table entry needs signed: true|false (a .bin does not say)");
    }
    proto.figures = {positive_number(path, entry, "power_mw"), positive_number(path, entry, "area_um2"),
                     positive_number(path, entry, "delay_ns")};
    const std::string resolved = resolve(given);
    std::error_code ec;
    if (!fs::exists(resolved, ec)) throw file_error(path, line, "file not found: " + resolved);
    std::vector<std::string> files = {resolved};
    if (fs::is_directory(resolved, ec)) {
      if (proto.kind == LibraryItem::Kind::Table || entry["name"] || proto.figures.power_mw || proto.figures.area_um2 ||
          proto.figures.delay_ns)
        throw file_error(path, line, "a folder entry takes no table, name or figures (they are per multiplier)");
      files = verilog_in_folder(resolved);
    }
    for (const auto& f : files) {
      LibraryItem item = proto;
      item.path = f;
      item.name = entry["name"] ? entry["name"].as<std::string>() : fs::path(f).stem().string();
      items.push_back(std::move(item));
    }
  }
  return items;
}

std::vector<LibraryItem> expand_library_paths(const std::vector<std::string>& paths) {
  std::vector<LibraryItem> items;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (const auto& f : verilog_in_folder(p)) items.push_back(plain_item(f));
    } else if (!fs::exists(p, ec)) {
      throw file_error(p, "file not found");
    } else if (is_library_file(p)) {
      for (auto& item : read_library_file(p)) items.push_back(std::move(item));
    } else {
      items.push_back(plain_item(p));
    }
  }
  return items;
}

}  // namespace alwann::rtl
