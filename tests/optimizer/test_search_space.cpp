// The chromosome: decoding, canonical keys (equal configurations share one
// key, different ones never do) and the pipelined stage repair.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "../sim/SimTestHelpers.hpp"
#include "optimizer/SearchSpace.hpp"

using namespace alwann;
using namespace alwann::optimizer;

namespace {

mapping::NetworkWork chain(int layers) {
  mapping::NetworkWork w;
  mapping::LayerWork in;
  in.id = 0;
  in.name = "input";
  in.op = "Input";
  w.push_back(in);
  for (int i = 1; i <= layers; ++i) {
    w.push_back(mapping::conv_work(i, "conv" + std::to_string(i), 8, 8, 4, 4, 3, 1, {i - 1}));
    w.back().approximable = true;
  }
  return w;
}

// The configuration independent of labels: each layer's multiplier and which
// layers share a tile (a tile array's tiles are identical).
std::pair<std::vector<int>, std::vector<int>> meaning(const Candidate& c) {
  std::vector<int> mult, first_layer_on_same_tile;
  for (std::size_t l = 0; l < c.layer_unit.size(); ++l) {
    mult.push_back(c.unit_multiplier[static_cast<std::size_t>(c.layer_unit[l])]);
    std::size_t f = l;
    for (std::size_t k = 0; k < l; ++k)
      if (c.layer_unit[k] == c.layer_unit[l]) {
        f = k;
        break;
      }
    first_layer_on_same_tile.push_back(static_cast<int>(f));
  }
  return {mult, first_layer_on_same_tile};
}

}  // namespace

TEST_CASE("tile array: equal configurations share one key, different ones never do", "[optimizer]") {
  const auto acc = test::tile_array(4, 8, 8, "double", 64);
  const SearchSpace sp(acc, chain(3), {"mul8u_exact", "mul8u_trunc2", "mul8u_vct7"});
  REQUIRE(sp.genes() == 7);
  std::map<std::string, std::pair<std::vector<int>, std::vector<int>>> by_key;
  std::set<std::pair<std::vector<int>, std::vector<int>>> meanings;
  int n = 0;
  for (int code = 0; code < 81 * 64; ++code) {  // 3^4 x 4^3 chromosomes: every one
    std::vector<double> x;
    int v = code;
    for (int g = 0; g < 4; ++g, v /= 3) x.push_back(v % 3);
    for (int g = 0; g < 3; ++g, v /= 4) x.push_back(v % 4);
    const Candidate c = sp.decode(x);
    const auto m = meaning(c);
    const std::string key = sp.key(c);
    const auto it = by_key.find(key);
    if (it != by_key.end()) CHECK(it->second == m);  // one key, one meaning
    by_key[key] = m;
    meanings.insert(m);
    CHECK(sp.key(sp.decode(sp.encode(c))) == key);  // encode round trip
    ++n;
  }
  CHECK(n == 81 * 64);
  CHECK(by_key.size() == meanings.size());  // one meaning, one key
  // 3 layers: partitions 1 + 3 + 1 blocks shapes; multiplier per block: 3 + 3*9 + 27 = 57.
  CHECK(meanings.size() == 3 + 3 * 9 + 27);
}

TEST_CASE("tile array: unused tiles carry no multiplier - the uniform configuration", "[optimizer]") {
  const auto acc = test::tile_array(4, 8, 8, "double", 64);
  const SearchSpace sp(acc, chain(5), {"a", "b", "c"});
  const Candidate c = sp.decode({2, 1, 0, 1, /*layers*/ 3, 3, 1, 3, 1});
  CHECK(c.unit_multiplier == std::vector<int>{1, 1, -1, -1});  // tile3 -> tile0, tile1 stays; tiles 2, 3 unused
  CHECK(c.layer_unit == std::vector<int>{0, 0, 1, 0, 1});
  CHECK(sp.multipliers_text(c) == "tile0=b tile1=b tile2=- tile3=-");
  const Candidate u = sp.uniform(2);
  CHECK(u.unit_multiplier == std::vector<int>{2, -1, -1, -1});
  CHECK(u.layer_unit == std::vector<int>(5, 0));
  const auto m = sp.mapping(c, "x");
  CHECK(m.unit_multipliers == std::vector<std::string>{"b", "b", "", ""});
  CHECK(m.layer_units_list == std::vector<std::string>{"tile0", "tile0", "tile1", "tile0", "tile1"});
}

TEST_CASE("pipelined: stage boundaries are repaired into contiguous non-empty stages", "[optimizer]") {
  const auto acc = test::pipelined(8, 8, 16, 16, "double", 64);
  const SearchSpace sp(acc, chain(4), {"a", "b"});
  REQUIRE(sp.genes() == 3);  // 2 multipliers + 1 boundary
  const auto [lo, hi] = sp.bounds();
  CHECK(lo[2] == 1);
  CHECK(hi[2] == 3);
  for (int b = 1; b <= 3; ++b) {
    const Candidate c = sp.decode({0, 1, static_cast<double>(b)});
    std::vector<int> want;
    for (int l = 0; l < 4; ++l) want.push_back(l >= b ? 1 : 0);
    CHECK(c.layer_unit == want);
    CHECK(sp.decode(sp.encode(c)) == c);
  }
  // Different unit sizes: no relabelling, so swapped multipliers are different keys.
  CHECK(sp.key(sp.decode({0, 1, 2})) != sp.key(sp.decode({1, 0, 2})));
  CHECK_THROWS_WITH(SearchSpace(acc, chain(1), {"a"}), Catch::Contains("every stage needs at least one layer"));
}

TEST_CASE("pipelined: boundaries that collide are pushed apart", "[optimizer]") {
  const std::string yaml = "style: pipelined\ntechnology: " + test::source_path("configs/tech/generic45.yaml") +
                           "\npipelined:\n  units:\n    - {name: s0, rows: 8, cols: 8}\n    - {name: s1, rows: 8, cols: 8}\n"
                           "    - {name: s2, rows: 8, cols: 8}\n";
  const auto acc = mapping::AcceleratorConfig::load(test::write_temp("pl3_opt.yaml", yaml));
  const SearchSpace sp(acc, chain(5), {"a"});
  CHECK(sp.decode({0, 0, 0, 4, 4}).layer_unit == std::vector<int>{0, 0, 0, 1, 2});
  CHECK(sp.decode({0, 0, 0, 1, 1}).layer_unit == std::vector<int>{0, 1, 2, 2, 2});
}
