#pragma once
// A small statistics API with units (DRAMSys style): models register named
// values with a unit and a one-line description; reports print or serialise
// the group without knowing the models.
#include <map>
#include <string>
#include <vector>

namespace alwann::sim {

struct Stat {
  std::string name, unit, description;
  double value = 0;
};

class StatGroup {
 public:
  explicit StatGroup(std::string name = "") : name_(std::move(name)) {}
  // Adds to an existing stat of that name, or creates it.
  void add(const std::string& name, double value, const std::string& unit, const std::string& description = "");
  void set(const std::string& name, double value, const std::string& unit, const std::string& description = "");
  double get(const std::string& name) const;  // 0 if absent
  bool has(const std::string& name) const;
  const std::vector<Stat>& stats() const { return stats_; }
  const std::string& name() const { return name_; }
  void merge(const StatGroup& other);  // adds every stat of `other`
  std::string to_text() const;         // "name = value unit  # description" lines

 private:
  std::string name_;
  std::vector<Stat> stats_;
  std::map<std::string, std::size_t> index_;
};

}  // namespace alwann::sim
