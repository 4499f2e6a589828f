# The two commands of README, plus the pieces CI runs. Each target installs what it needs.
BUILD ?= build
SAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: deps configure build demo demo-python test sanitize fuzz clean python-install
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 600

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# The main job: build, generate sample data, train DeepFM, print metrics.
demo: configure
	@cmake --build $(BUILD) -j $(JOBS) --target recis
	@bash scripts/demo.sh $(BUILD)/bin/recis

# The second demo: the same job with DeepFM written in Python (examples/python/deepfm).
demo-python: configure
	@cmake --build $(BUILD) -j $(JOBS) --target recis recis_python
	@bash scripts/demo-python.sh $(BUILD)

# Every test.
test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# `import recis` for the current user: a .pth file in the user site-packages of /usr/bin/python3
# (the Python whose torch we link) pointing at the package in the build tree.
python-install: build
	@site=$$(/usr/bin/python3 -m site --user-site) && mkdir -p "$$site" && \
		echo "$(abspath $(BUILD))/python" > "$$site/recis.pth" && \
		echo "recis: $$site/recis.pth -> $(abspath $(BUILD))/python"

# The torch-free core and its tests under AddressSanitizer + UndefinedBehaviorSanitizer.
sanitize: deps
	@cmake -S . -B $(SAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRECIS_WITH_TORCH=OFF -DRECIS_SANITIZE=ON >/dev/null
	@cmake --build $(SAN_BUILD) -j $(JOBS)
	@cd $(SAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

# Every libFuzzer target (clang, ASan+UBSan), each for FUZZ_SECONDS: the ORC reader seeded with
# the shared corpus, then the readers of checkpoint bytes (SafeTensors files, rows files,
# manifest.json) seeded by fuzz_seed_writer with files the library writes.
SERIALIZE_FUZZERS := safetensors_reader_fuzzer:safetensors rows_file_fuzzer:safetensors \
	checkpoint_manifest_fuzzer:manifest
fuzz: deps
	@cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
		-DRECIS_WITH_TORCH=OFF -DRECIS_SANITIZE=ON -DRECIS_FUZZ=ON -DRECIS_BUILD_TESTS=OFF >/dev/null
	@cmake --build $(FUZZ_BUILD) --target orc_reader_fuzzer fuzz_seed_writer \
		$(foreach f,$(SERIALIZE_FUZZERS),$(firstword $(subst :, ,$(f))))
	@mkdir -p $(FUZZ_BUILD)/corpus
	@cp $(filter-out %recis-deepfm-part-0.orc,$(wildcard ../shared/orc-corpus/*.orc)) $(FUZZ_BUILD)/corpus/
	$(FUZZ_BUILD)/fuzz/orc_reader_fuzzer -max_total_time=$(FUZZ_SECONDS) -max_len=131072 \
		-rss_limit_mb=2048 $(FUZZ_BUILD)/corpus
	$(FUZZ_BUILD)/fuzz/fuzz_seed_writer $(FUZZ_BUILD)/seeds
	@set -e; for entry in $(SERIALIZE_FUZZERS); do \
		target=$${entry%%:*}; dict=$${entry#*:}; mkdir -p $(FUZZ_BUILD)/corpus-$$target; \
		echo "$$target: $(FUZZ_SECONDS) s"; \
		$(FUZZ_BUILD)/fuzz/$$target -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
			-rss_limit_mb=2048 -dict=fuzz/$$dict.dict $(FUZZ_BUILD)/corpus-$$target \
			$(FUZZ_BUILD)/seeds/$$target; \
	done

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(FUZZ_BUILD)
