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

# The main job on the shipped defaults: characterize the built-in multiplier
# library, then simulate and compare exact, uniform approximate and layer-wise
# mixed ResNet-8 mappings on the 4-tile accelerator (accuracy on 1000 images).
RUN_MAPPINGS = $(addprefix configs/mappings/resnet8_tile_array_4x16_,exact.yaml trunc2.yaml mixed.yaml)
run: build
	$(ALWANN) characterize --out $(BUILD)/run
	$(ALWANN) compare --model models/resnet8.onnx --images 1000 $(RUN_MAPPINGS) \
		--csv $(BUILD)/run/compare.csv --chart $(BUILD)/run/compare.svg

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	@for b in $(BUILD)/bench/bench_*; do echo "== $$b"; $$b || exit 1; done

clean:
	rm -rf $(BUILD)
