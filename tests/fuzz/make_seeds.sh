#!/usr/bin/env bash
# Seed corpora for the fuzz targets, generated from the repository's own files
# (shipped configs, test fixtures, the built-in Verilog) into OUT/<target>/.
# Usage: tests/fuzz/make_seeds.sh OUT   (from anywhere; needs verilator, gzip)
set -euo pipefail
SRC="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$1"
rm -rf "$OUT"
mkdir -p "$OUT"/{accelerator_yaml,technology_yaml,mapping_yaml,assignment_yaml,onnx,idx,cifar,verilator_xml,product_table_bin}

cp "$SRC"/configs/accelerators/*.yaml "$OUT/accelerator_yaml/"
cp "$SRC"/configs/tech/*.yaml "$OUT/technology_yaml/"
cp "$SRC"/configs/mappings/*.yaml "$OUT/mapping_yaml/"
cp "$SRC"/tests/fixtures/nn/*.onnx "$OUT/onnx/"

# Assignments against ResNet-8's convolutions (`alwann inspect` names them).
printf '/conv1/Conv: mul8u_trunc4\n/layers/layers.0/conv1/Conv: mul8u_exact\n' > "$OUT/assignment_yaml/map.yaml"
printf 'layers:\n  /conv1/Conv: mul8u_bamh4v10\ndefault: mul8u_exact\n' > "$OUT/assignment_yaml/nested.yaml"
printf 'default: exact\n' > "$OUT/assignment_yaml/default.yaml"

be32() { printf "\\x$(printf %02x $(($1 >> 24 & 255)))\\x$(printf %02x $(($1 >> 16 & 255)))\\x$(printf %02x $(($1 >> 8 & 255)))\\x$(printf %02x $(($1 & 255)))"; }
le16() { printf "\\x$(printf %02x $(($1 & 255)))\\x$(printf %02x $(($1 >> 8 & 255)))"; }
# pixel bytes: n images of h x w
pixels() { head -c "$1" "$SRC/models/resnet8.onnx"; }

# IDX: 2-byte little-endian label-file length, label file, image file.
idx_seed() {  # name n h w gzip?
  local name=$1 n=$2 h=$3 w=$4 gz=$5 tmp
  tmp=$(mktemp -d)
  { be32 $((0x801)); be32 "$n"; for ((i = 0; i < n; i++)); do printf "\\x$(printf %02x $((i % 10)))"; done; } > "$tmp/l"
  { be32 $((0x803)); be32 "$n"; be32 "$h"; be32 "$w"; pixels $((n * h * w)); } > "$tmp/i"
  if [ "$gz" = gz ]; then gzip -n "$tmp/l" "$tmp/i"; mv "$tmp/l.gz" "$tmp/l"; mv "$tmp/i.gz" "$tmp/i"; fi
  { le16 "$(stat -c %s "$tmp/l")"; cat "$tmp/l" "$tmp/i"; } > "$OUT/idx/$name"
  rm -rf "$tmp"
}
idx_seed plain_3x4x5 3 4 5 plain
idx_seed gz_2x28x28 2 28 28 gz

# CIFAR-10: records of a label byte and 3 x 32 x 32 pixels.
cifar_record() { printf "\\x0$1"; pixels 3072; }
{ cifar_record 3; cifar_record 9; } > "$OUT/cifar/two_records.bin"
gzip -n -c "$OUT/cifar/two_records.bin" > "$OUT/cifar/two_records.gz"

# Verilator XML as the importer produces it: the top module's name, a newline, the XML.
VERILATOR="${ALWANN_VERILATOR:-verilator}"
xml_seed() {  # top file [library...]
  local top=$1 tmp
  shift
  tmp=$(mktemp -d)
  "$VERILATOR" --xml-only --flatten -fno-dfg -Wno-fatal -Wno-lint -Wno-style --top-module "$top" \
    --xml-output "$tmp/n.xml" -Mdir "$tmp" "$@" > "$tmp/log" 2>&1 || { cat "$tmp/log" >&2; exit 1; }
  { echo "$top"; cat "$tmp/n.xml"; } > "$OUT/verilator_xml/$top.xml"
  rm -rf "$tmp"
}
# Small designs only: mutating a 200 kB XML is slow and finds no more.
for m in mul8u_tiny mul8u_behavioural mul8s_behavioural; do xml_seed "$m" "$SRC/tests/fixtures/rtl/$m.v"; done
xml_seed mul8u_customcells "$SRC/tests/fixtures/rtl/custom_cells/mul8u_customcells.v" "$SRC/tests/fixtures/rtl/custom_cells/my_cells.v"
xml_seed mul8_101 "$SRC/tests/fixtures/rtl/mul8_101.v" "$SRC"/rtl/cells/*.v

# Product tables: a flag byte (bit 0: signed), then 65,536 little-endian uint16
# [x*256 + w]: the exact unsigned products, and one entry short.
{ printf '\x00'; LC_ALL=C awk 'BEGIN { for (x = 0; x < 256; x++) for (w = 0; w < 256; w++) { p = x * w; printf "%c%c", p % 256, int(p / 256) } }'; } \
  > "$OUT/product_table_bin/exact.bin"
head -c 131071 "$OUT/product_table_bin/exact.bin" > "$OUT/product_table_bin/short.bin"
