# The README's two commands: `make run` and `make test`.
BUILD ?= build
JOBS  ?= $(shell nproc)
ALWANN = $(BUILD)/cli/alwann

.PHONY: setup configure build run test test-sanitize fuzz bench clean

setup:
	@scripts/setup.sh

configure: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# The main job on the shipped defaults, the ALWANN method end to end:
# characterize the built-in multiplier library, search (NSGA-II) the
# multiplier of each of the 4 tiles and the tile of each ResNet-8 layer,
# print the front and the savings against exact and the best uniform
# multiplier, then compare exact, best uniform and the chosen front point.
RUN = $(BUILD)/run
RUN_SEARCH = --population 24 --generations 10 --images 500 --test-images 2000 --max-loss 5
run: build
	$(ALWANN) characterize --out $(RUN)
	rm -rf $(RUN)/optimize
	$(ALWANN) optimize --model models/resnet8.onnx --accelerator configs/accelerators/tile_array_4x16.yaml \
		$(RUN_SEARCH) --out $(RUN)/optimize
	$(ALWANN) compare --model models/resnet8.onnx --images 2000 \
		$(addprefix $(RUN)/optimize/mappings/,exact.yaml best_uniform.yaml chosen.yaml) \
		--csv $(RUN)/compare.csv --chart $(RUN)/compare.svg

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# ASan+UBSan (docs/testing.md): the libraries, the CLI and the test binaries
# (not bench, not MPI) at -O1 in a build of their own, then the suite less
# SAN_EXCLUDE: the slowest tests (search runs, the optimize/compare CLI end to
# end, ResNet-8 accuracy runs), which run in the plain build only (`make test`).
SAN_BUILD   ?= build-asan
SAN_TARGETS  = alwann test_common test_rtl test_nn test_mapping test_sim test_optimizer test_cli
SAN_SLOW     = optimize: outputs and simulate|resume after generation|activation cache: cached evaluations
SAN_SLOW    := $(SAN_SLOW)|same front with 1 and 2 threads|front points are mutually non-dominated
SAN_SLOW    := $(SAN_SLOW)|compare: CSV and a gnuplot|ResNet-8 quantised accuracy on the first 1000
SAN_SLOW    := $(SAN_SLOW)|multiplier share of the PE datapath|quantised accuracy tracks float
SAN_SLOW    := $(SAN_SLOW)|dominance rejection: deterministic|robustness: optimize finds the same front
SAN_SLOW    := $(SAN_SLOW)|optimize --library searches the library
# SystemC switches stacks unannotated: ASan then reports stale stack poison
# in the test code after sim::simulate (docs/testing.md).
SAN_SYSTEMC  = SCALE-Sim topology CSV files are a workload|a table-only multiplier is priced by its library power
SAN_EXCLUDE ?= $(SAN_SLOW)|$(SAN_SYSTEMC)
SAN_ENV      = ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
               LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitize/lsan.supp
test-sanitize: setup
	@cmake -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" \
		-DALWANN_SANITIZE=address,undefined -DALWANN_WITH_MPI=OFF >/dev/null
	@cmake --build $(SAN_BUILD) -j $(JOBS) --target $(SAN_TARGETS)
	cd $(SAN_BUILD) && $(SAN_ENV) ctest --output-on-failure -j $(JOBS) -E '^sim:|^cli:|$(SAN_EXCLUDE)'
	@# LeakSanitizer's tracer crashes on SystemC's coroutine stacks: no leak check in the sim
	@# tests, nor in the CLI tests (they run `alwann simulate`, `compare`, ... as a process).
	cd $(SAN_BUILD) && $(SAN_ENV) ASAN_OPTIONS=detect_leaks=0 ctest --output-on-failure -j $(JOBS) -R '^sim:|^cli:' -E '$(SAN_EXCLUDE)'

# Fuzzing (docs/testing.md): every libFuzzer target in tests/fuzz for
# FUZZ_SECONDS each, under ASan+UBSan, in a clang build of its own.
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= accelerator_yaml technology_yaml mapping_yaml assignment_yaml onnx idx cifar \
                verilator_xml product_table_bin
fuzz:
	@scripts/setup.sh fuzz
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		"-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
		-DALWANN_FUZZ=ON -DALWANN_SANITIZE=address,undefined -DALWANN_WITH_MPI=OFF >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_targets
	@tests/fuzz/make_seeds.sh $(FUZZ_BUILD)/fuzz-seeds
	@tests/fuzz/run_fuzzers.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

bench: build
	@for b in $(BUILD)/bench/bench_*; do echo "== $$b"; $$b || exit 1; done

clean:
	rm -rf $(BUILD)
