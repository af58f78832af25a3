#include "rtl/generator/MultiplierGenerator.hpp"

#include <cmath>
#include <vector>

#include "common/AtomicFile.hpp"
#include "common/Error.hpp"
#include "rtl/generator/GateNetlistBuilder.hpp"

namespace alwann::rtl::generator {

std::string MultiplierDesign::name() const {
  std::string n = is_signed ? "mul8s_" : "mul8u_";
  if (family == "exact") return n + "exact";
  if (family == "trunc") return n + "trunc" + std::to_string(p1);
  if (family == "loa") return n + "loa" + std::to_string(p1);
  if (family == "vct") return n + "vct" + std::to_string(p1);
  return n + "bamh" + std::to_string(p1) + "v" + std::to_string(p2);
}

std::string MultiplierDesign::description() const {
  const std::string kind = is_signed ? "signed (modified Baugh-Wooley)" : "unsigned";
  if (family == "exact") return "exact 8x8 " + kind + " carry-save array multiplier";
  if (family == "trunc")
    return "8x8 " + kind + " array multiplier, partial-product columns < " + std::to_string(p1) +
           " truncated with constant correction";
  if (family == "vct")
    return "8x8 " + kind + " array multiplier, partial-product columns < " + std::to_string(p1) +
           " truncated with variable correction (column " + std::to_string(p1 - 1) + " added again one column up)";
  if (family == "loa")
    return "8x8 " + kind + " array multiplier, lower-part OR final adder over " + std::to_string(p1) +
           " columns";
  return "8x8 " + kind + " broken-array multiplier, horizontal break " + std::to_string(p1) +
         " rows, vertical break " + std::to_string(p2) + " columns";
}

std::vector<MultiplierDesign> builtin_designs() {
  std::vector<MultiplierDesign> out;
  for (bool s : {false, true}) {
    out.push_back({"exact", s, 0, 0});
    for (int k : {2, 4, 6, 7, 8, 9}) out.push_back({"trunc", s, k, 0});
    for (auto [h, v] : {std::pair{0, 6}, {1, 8}, {2, 8}, {3, 10}, {4, 10}, {5, 12}, {6, 12}, {7, 13}})
      out.push_back({"bam", s, h, v});
    // A lower-part OR adder breaks the carries that cancel Baugh-Wooley's
    // constants (a zero operand would give +-256): unsigned only.
    if (!s)
      for (int k : {9, 10, 11, 12, 13}) out.push_back({"loa", s, k, 0});
    for (int k : {5, 7, 9, 10, 11}) out.push_back({"vct", s, k, 0});
  }
  return out;
}

namespace {

// Partial product of row i (B bit i) and A bit j, at column i + j.
Sig partial_product(GateNetlistBuilder& g, bool is_signed, int i, int j) {
  const Sig p = g.and_(input_a(j), input_b(i));
  return (is_signed && ((i == 7) != (j == 7))) ? g.not_(p) : p;
}

bool omitted(const MultiplierDesign& d, int i, int j) {
  if (d.family == "trunc" || d.family == "vct") return i + j < d.p1;
  if (d.family == "bam") return i < d.p1 || i + j < d.p2;
  return false;
}

// Baugh-Wooley writes a negative term -a_j*b_i*2^c as ~(a_j b_i)*2^c with the
// -2^c folded into the constants, so the inverted bit is 1 when the term is 0.
bool inverted_term(const MultiplierDesign& d, int i, int j) { return d.is_signed && ((i == 7) != (j == 7)); }

// What an omitted partial product leaves in the array: dropping the term
// (not the bit) keeps an inverted bit's constant 1, so zero operands still
// give 0 in every signed design.
Sig omitted_bit(const MultiplierDesign& d, int i, int j) { return inverted_term(d, i, j) ? kOne : kZero; }

// The constant the truncated multiplier adds back: the expected value of the
// dropped terms under uniform operands (each a_j*b_i is 1 with probability
// 1/4; Baugh-Wooley's inverted terms are negative), rounded to the kept columns.
long truncation_correction(const MultiplierDesign& d) {
  double expected = 0;
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 8; ++j)
      if (i + j < d.p1) expected += (inverted_term(d, i, j) ? -0.25 : 0.25) * std::ldexp(1.0, i + j);
  const double unit = std::ldexp(1.0, d.p1);
  return std::lround(expected / unit) * static_cast<long>(unit);
}

}  // namespace

std::string generate_verilog(const MultiplierDesign& d) {
  GateNetlistBuilder g;
  Sig sum[17], carry[17];
  for (int c = 0; c < 17; ++c) sum[c] = carry[c] = kZero;

  // Variable correction (King & Swartzlander 1997): the terms of the most
  // significant dropped column k-1 are added again at column k, so the
  // correction follows the operands and is zero when either is zero. An
  // inverted (negative) term's copy is ~(a b) at column k minus 2^k.
  std::vector<Sig> correction_bits;
  long constant = d.is_signed ? (1L << 8) + (1L << 15) : 0;
  if (d.family == "trunc") constant += truncation_correction(d);
  if (d.family == "vct")
    for (int i = 0; i < 8; ++i) {
      const int j = d.p1 - 1 - i;
      if (j < 0 || j > 7) continue;
      correction_bits.push_back(partial_product(g, d.is_signed, i, j));
      if (inverted_term(d, i, j)) constant -= 1L << d.p1;
    }

  // Constants enter the first row: Baugh-Wooley's +2^8 + 2^15, corrections.
  constant &= 0xffff;
  for (int c = 0; c < 16; ++c)
    if ((constant >> c) & 1) sum[c] = kOne;
  for (Sig bit : correction_bits)
    for (int c = d.p1; c < 16 && bit != kZero; ++c) {  // ripple each extra bit into the sum vector
      const auto r = g.half_add(sum[c], bit);
      sum[c] = r.sum;
      bit = r.carry;
    }

  // Carry-save array: row i adds its partial products to the running sum and
  // carry vectors; carries move one column left into the next row.
  for (int i = 0; i < 8; ++i) {
    Sig next_sum[17], next_carry[17];
    for (int c = 0; c < 17; ++c) next_sum[c] = next_carry[c] = kZero;
    for (int c = 0; c < 16; ++c) {
      const int j = c - i;
      Sig pp = kZero;
      if (j >= 0 && j < 8) pp = omitted(d, i, j) ? omitted_bit(d, i, j) : partial_product(g, d.is_signed, i, j);
      const auto r = g.full_add(sum[c], carry[c], pp);
      next_sum[c] = r.sum;
      if (c + 1 < 16) next_carry[c + 1] = r.carry;
    }
    for (int c = 0; c < 17; ++c) {
      sum[c] = next_sum[c];
      carry[c] = next_carry[c];
    }
  }

  // Vector-merging adder: ripple carry, optionally a lower-part OR adder.
  const int loa = d.family == "loa" ? d.p1 : 0;
  Sig ripple = kZero;
  for (int c = 0; c < 16; ++c) {
    if (c < loa) {
      g.set_output(c, g.or_(sum[c], carry[c]));
      if (c == loa - 1) ripple = g.and_(sum[c], carry[c]);
      continue;
    }
    const auto r = g.full_add(sum[c], carry[c], ripple);
    g.set_output(c, r.sum);
    ripple = r.carry;
  }

  return g.verilog(d.name(), {d.name() + ": " + d.description() + ".",
                              "Generated by alwann (rtl/generator/MultiplierGenerator.cpp); do not edit.",
                              "Regenerate with: alwann generate-multipliers --out rtl/generated",
                              "Ports as the EvoApprox library: A = weight, B = activation, O = product."});
}

std::vector<std::string> write_builtin_library(const std::string& dir) {
  std::vector<std::string> paths;
  for (const auto& d : builtin_designs()) {
    const std::string path = dir + "/" + d.name() + ".v";
    write_file_atomically(path, generate_verilog(d));
    paths.push_back(path);
  }
  return paths;
}

}  // namespace alwann::rtl::generator
