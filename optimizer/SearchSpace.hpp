#pragma once
// The chromosome of the search and what it means (ALWANN, reference §1).
//
//   tile_array, T tiles:  [multiplier of tile 0..T-1] [tile of approximable layer 0..L-1]
//   pipelined, U units:   [multiplier of unit 0..U-1] [stage boundary 1..U-1]
//
// Multiplier genes index the search's multiplier list; a boundary gene b
// means "the next stage starts at approximable layer b" (sorted and pushed
// apart on decoding, so every stage keeps at least one layer). Genes are
// integers (pagmo's nix = all of them).
//
// Canonical form: equal configurations get one key. Unused tiles carry no
// multiplier, and since a tile array's tiles are identical, tiles are
// relabelled in order of first use by the layers.
#include <string>
#include <vector>

#include "mapping/AcceleratorConfig.hpp"
#include "mapping/LayerWork.hpp"
#include "mapping/MappingConfig.hpp"

namespace alwann::optimizer {

struct Candidate {
  std::vector<int> unit_multiplier;  // per unit: index into the multiplier list, -1 = unused
  std::vector<int> layer_unit;       // per approximable layer (topological order): unit index
  bool operator==(const Candidate& o) const {
    return unit_multiplier == o.unit_multiplier && layer_unit == o.layer_unit;
  }
};

class SearchSpace {
 public:
  SearchSpace(const mapping::AcceleratorConfig& acc, const mapping::NetworkWork& work,
              std::vector<std::string> multipliers);

  const std::vector<std::string>& multipliers() const { return multipliers_; }
  const std::vector<int>& layer_ids() const { return layers_; }  // approximable layers on an array
  int units() const { return units_; }
  bool pipelined() const { return pipelined_; }
  std::size_t genes() const;
  std::pair<std::vector<double>, std::vector<double>> bounds() const;

  Candidate decode(const std::vector<double>& genes) const;  // any genes within bounds
  std::vector<double> encode(const Candidate& c) const;      // decode(encode(c)) == c for canonical c
  Candidate canonical(const Candidate& c) const;
  std::string key(const Candidate& c) const;                 // of the canonical form
  Candidate uniform(int multiplier) const;                   // every layer on unit 0 (tile) / balanced stages

  // The configuration in words: "tile0=mul8u_exact tile1=-" and "tile0 tile1 ...".
  std::string multipliers_text(const Candidate& c) const;
  std::string layers_text(const Candidate& c) const;
  std::vector<std::string> unit_multiplier_names(const Candidate& c) const;  // "" for unused
  std::vector<std::string> layer_unit_names(const Candidate& c) const;
  // An in-memory mapping for the simulator (resolve_mapping checks it).
  mapping::MappingConfig mapping(const Candidate& c, const std::string& name) const;

 private:
  mapping::AcceleratorConfig acc_;
  std::vector<std::string> multipliers_;
  std::vector<int> layers_;
  int units_ = 0;
  bool pipelined_ = false, identical_units_ = true;
};

}  // namespace alwann::optimizer
