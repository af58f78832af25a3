#include "mapping/ConfigParam.hpp"

#include <cmath>
#include <map>
#include <sstream>

namespace alwann::mapping {

const char* param_type_name(ParamType t) {
  switch (t) {
    case ParamType::Integer: return "integer";
    case ParamType::Number: return "number";
    case ParamType::Text: return "text";
    case ParamType::Flag: return "bool";
    case ParamType::Choice: return "choice";
    case ParamType::List: return "list";
  }
  return "?";
}

SectionReader::SectionReader(std::string file, const YAML::Node& node, const SectionDecl& decl,
                             int parent_line, std::vector<std::string> subsections)
    : file_(std::move(file)), node_(node), section_(&decl), line_(parent_line) {
  const std::string where = decl.name.empty() ? "top level" : "section '" + decl.name + "'";
  if (node_.IsDefined() && !node_.IsNull()) {
    line_ = yaml_line(node_);
    if (!node_.IsMap()) throw file_error(file_, line_, where + " must be a mapping of key: value");
    for (auto it = node_.begin(); it != node_.end(); ++it) {
      const std::string key = it->first.as<std::string>();
      bool known = false;
      for (const auto& p : decl.params) known |= p.key == key;
      for (const auto& k : subsections) known |= k == key;
      if (!known) {
        std::string keys;
        for (const auto& p : decl.params) keys += (keys.empty() ? "" : ", ") + p.key;
        for (const auto& k : subsections) keys += ", " + k;
        throw file_error(file_, yaml_line(it->first),
                         "unknown key '" + key + "' in " + where + " (known: " + keys + ")");
      }
    }
  }
  for (const auto& p : decl.params)
    if (p.default_value.empty() && !present(p.key))
      throw file_error(file_, line_, where + ": missing required key '" + p.key + "' (" + p.description + ")");
}

const ParamDecl& SectionReader::decl(const std::string& key) const {
  for (const auto& p : section_->params)
    if (p.key == key) return p;
  throw Error("internal: undeclared parameter '" + key + "' in section '" + section_->name + "'");
}

bool SectionReader::present(const std::string& key) const {
  return node_.IsDefined() && node_.IsMap() && node_[key].IsDefined() && !node_[key].IsNull();
}

int SectionReader::line(const std::string& key) const {
  return present(key) ? yaml_line(node_[key]) : line_;
}

Error SectionReader::error(const std::string& key, const std::string& what) const {
  const std::string name = section_->name.empty() ? key : section_->name + "." + key;
  return file_error(file_, line(key), name + ": " + what);
}

void SectionReader::check_range(const ParamDecl& d, double v) const {
  std::ostringstream got;
  got << v;
  if (v < d.min) {
    std::ostringstream m;
    // A tiny positive minimum is how a declaration says "> 0" (describe-config prints it so too).
    if (d.min > 0 && d.min < 1e-6)
      m << "must be > 0 (got " << got.str() << ")";
    else
      m << "must be >= " << d.min << " (got " << got.str() << ")";
    throw error(d.key, m.str());
  }
  if (v > d.max) {
    std::ostringstream m;
    m << "must be <= " << d.max << " (got " << got.str() << ")";
    throw error(d.key, m.str());
  }
  if (d.power_of_two) {
    const auto i = static_cast<std::int64_t>(v);
    if (i <= 0 || (i & (i - 1)) != 0) throw error(d.key, "must be a power of two (got " + got.str() + ")");
  }
}

std::int64_t SectionReader::integer(const std::string& key) const {
  const auto& d = decl(key);
  std::int64_t v = 0;
  if (present(key)) {
    try {
      v = node_[key].as<std::int64_t>();
    } catch (const YAML::Exception&) {
      throw error(key, "expected an integer (got '" + node_[key].as<std::string>("?") + "')");
    }
  } else {
    v = std::stoll(d.default_value);
  }
  check_range(d, static_cast<double>(v));
  return v;
}

double SectionReader::number(const std::string& key) const {
  const auto& d = decl(key);
  double v = 0;
  if (present(key)) {
    try {
      v = node_[key].as<double>();
    } catch (const YAML::Exception&) {
      throw error(key, "expected a number (got '" + node_[key].as<std::string>("?") + "')");
    }
    if (!std::isfinite(v)) throw error(key, "must be finite");
  } else {
    if (d.default_value == "technology") throw Error("internal: " + key + " defaults from technology; check present() first");
    v = std::stod(d.default_value);
  }
  check_range(d, v);
  return v;
}

std::string SectionReader::text(const std::string& key) const {
  const auto& d = decl(key);
  std::string v = d.default_value;
  if (present(key)) {
    if (!node_[key].IsScalar()) throw error(key, "expected a single value");
    v = node_[key].as<std::string>();
  }
  if (d.type == ParamType::Choice) {
    bool ok = false;
    std::string all;
    for (const auto& c : d.choices) {
      ok |= c == v;
      all += (all.empty() ? "" : "|") + c;
    }
    if (!ok) throw error(key, "must be one of " + all + " (got '" + v + "')");
  }
  return v;
}

bool SectionReader::flag(const std::string& key) const {
  const auto& d = decl(key);
  if (!present(key)) return d.default_value == "true";
  try {
    return node_[key].as<bool>();
  } catch (const YAML::Exception&) {
    throw error(key, "expected true or false (got '" + node_[key].as<std::string>("?") + "')");
  }
}

YAML::Node SectionReader::node(const std::string& key) const {
  decl(key);
  return present(key) ? node_[key] : YAML::Node();
}

}  // namespace alwann::mapping
