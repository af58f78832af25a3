# The README's two commands: `make run` and `make test`.
BUILD ?= build
JOBS  ?= $(shell nproc)
ALWANN = $(BUILD)/cli/alwann

.PHONY: setup configure build run test fuzz bench clean

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
