# The README's two commands: `make run` and `make test`.
BUILD ?= build
JOBS  ?= $(shell nproc)
ALWANN = $(BUILD)/cli/alwann

.PHONY: setup configure build run test bench clean

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

bench: build
	@for b in $(BUILD)/bench/bench_*; do echo "== $$b"; $$b || exit 1; done

clean:
	rm -rf $(BUILD)
