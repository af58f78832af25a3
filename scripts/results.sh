#!/usr/bin/env bash
# Reproduces docs/results.md: layer-wise (ALWANN) against uniform approximate
# multipliers on the shipped ResNets, built-in library, Fashion-MNIST.
# Usage: scripts/results.sh [OUT=build/results] [RUNS...]
#   a run is MODEL:ACCELERATOR:TUNE, e.g. resnet8:tile_array_4x16:alwann.
# Each run is one `alwann optimize`; the table is made from the summary.json
# files by scripts/results_table.py. Search options: RESULTS_SEARCH (env).
set -euo pipefail
cd "$(dirname "$0")/.."
ALWANN=${ALWANN:-build/cli/alwann}
OUT=${1:-build/results}
shift || true
SEARCH=${RESULTS_SEARCH:---population 32 --generations 20 --images 1000 --test-images 10000 --seed 1}
RUNS=("$@")
if [ ${#RUNS[@]} -eq 0 ]; then
  for m in resnet8 resnet20; do
    RUNS+=("$m:tile_array_2x16:alwann" "$m:tile_array_4x16:alwann" "$m:pipelined_3:alwann"
           "$m:tile_array_4x16:none" "$m:tile_array_4x16:data")
  done
fi
mkdir -p "$OUT"
for r in "${RUNS[@]}"; do
  IFS=: read -r model acc tune <<<"$r"
  dir="$OUT/${model}_${acc}_${tune}"
  if [ -f "$dir/summary.json" ]; then echo "== $r: done ($dir)"; continue; fi
  rm -rf "$dir"
  echo "== $r"
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  "$ALWANN" optimize --model "models/$model.onnx" --accelerator "configs/accelerators/$acc.yaml" \
    --tune "$tune" $SEARCH --out "$dir" > "$OUT/${model}_${acc}_${tune}.log" 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc > "$dir/wall_seconds"
  tail -8 "$OUT/${model}_${acc}_${tune}.log"
done
/usr/bin/python3 scripts/results_table.py "$OUT"
