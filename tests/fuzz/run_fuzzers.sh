#!/usr/bin/env bash
# Runs libFuzzer targets for SECONDS each, under nice, FUZZ_JOBS at a time
# (default 1), and prints per target: wall seconds, CPU seconds it got,
# executions, corpus size, outcome. Exit 1 if any target found a crash, a
# sanitizer report, a leak or an input slower than FUZZ_TIMEOUT seconds
# (default 10, wall clock: raise it on a loaded machine and replay the
# slow-unit-* artifacts to see their CPU time); the input is kept under
# BUILD/fuzz-artifacts/<target>/, the log under BUILD/fuzz-logs/.
# Usage: tests/fuzz/run_fuzzers.sh BUILD SECONDS TARGET...   (from the repository
# root: the seed mapping files name their accelerators relative to it)
set -uo pipefail
export BUILD="$1" SECONDS_EACH="$2"
shift 2
export ALWANN_CACHE_DIR="$PWD/$BUILD/fuzz-cache"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export FUZZ_TIMEOUT="${FUZZ_TIMEOUT:-10}"

run_one() {
  local t=$1 corpus="$BUILD/fuzz-corpus/$1" artifacts="$BUILD/fuzz-artifacts/$1/" log="$BUILD/fuzz-logs/$1.log"
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  local dirs=("$corpus" "$BUILD/fuzz-seeds/$t")
  [ -d "tests/fuzz/regressions/$t" ] && dirs+=("tests/fuzz/regressions/$t")
  local start rc cpu execs outcome
  start=$(date +%s)
  nice -n 19 "$BUILD/tests/fuzz/fuzz_$t" -max_total_time="$SECONDS_EACH" -timeout="$FUZZ_TIMEOUT" \
    -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$artifacts" "${dirs[@]}" > "$log" 2>&1
  rc=$?
  # the fuzzer's user + system time in seconds: bash `times`, second line
  # (redirected, not piped: a subshell would report its own children)
  times > "$log.times"
  cpu=$(tail -1 "$log.times" | awk '{ split($1, u, "m"); split($2, s, "m"); printf "%.0f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }')
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  if [ $rc -eq 0 ]; then
    outcome=ok
  else
    outcome="FOUND (exit $rc): $(grep -m1 -E 'ERROR|runtime error|terminate|SUMMARY' "$log")"
  fi
  printf '%-18s %6ss wall %6ss cpu %10s execs %6s corpus  %s\n' "$t" $(($(date +%s) - start)) "$cpu" \
    "${execs:-?}" "$(ls "$corpus" | wc -l)" "$outcome"
  [ $rc -eq 0 ]
}
export -f run_one
printf '%s\n' "$@" | xargs -P "${FUZZ_JOBS:-1}" -I{} bash -c 'run_one {}'
