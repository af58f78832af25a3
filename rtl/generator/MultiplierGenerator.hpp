#pragma once
// The project's own multiplier library: exact array multipliers and three
// families of approximate ones, all generated as flat gate-level Verilog.
//
// Structure: a carry-save array (one row of full/half adders per partial
// product row, Braun style) followed by a ripple-carry vector-merging adder.
// Signed designs use the modified Baugh-Wooley scheme (inverted partial
// products of the sign row/column, +1 at columns 8 and 15).
//
// Families (all parameters count partial-product columns or rows):
//   exact       exact product
//   trunc<k>    partial products of columns < k omitted and the expected
//               value of what was dropped added back as a constant
//               (constant-correction truncation, Schulte & Swartzlander 1993)
//   bamh<h>v<v> broken-array multiplier (Mahdiani et al. 2010): carry-save
//               cells of rows < h and of columns < v omitted, no correction
//   vct<k>      columns < k omitted, column k-1 added again at column k
//               (variable-correction truncation, King & Swartzlander 1997)
//   loa<k>      exact array, but the k low columns of the final adder are a
//               lower-part OR adder (Mahdiani et al. 2010): sum = S | C,
//               carry into column k = S[k-1] & C[k-1]
#include <string>
#include <vector>

namespace alwann::rtl::generator {

struct MultiplierDesign {
  std::string family;  // "exact", "trunc", "vct", "bam", "loa"
  bool is_signed = false;
  int p1 = 0, p2 = 0;  // trunc/loa: k in p1; bam: h in p1, v in p2
  std::string name() const;         // e.g. mul8u_trunc4, mul8s_bamh2v8
  std::string description() const;  // one line for the file header
};

// The shipped library, in a fixed order.
std::vector<MultiplierDesign> builtin_designs();

std::string generate_verilog(const MultiplierDesign& design);

// Writes <dir>/<name>.v for every built-in design; returns the paths.
std::vector<std::string> write_builtin_library(const std::string& dir);

}  // namespace alwann::rtl::generator
