# The front door. `make demo` and `make test` work on a fresh machine: bootstrap installs what
# is missing (Debian packages, the pinned DuckDB, Python test packages) and is fast when nothing is.
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo
SANITIZE_BUILD ?= build-sanitize
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60

.PHONY: all bootstrap build test demo bench schemas test-sanitize fuzz tidy clean

all: build

bootstrap:
	@scripts/bootstrap $(BUILD)

build: bootstrap
	@cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# Every test: unit, data-driven cases, lint, golden files. Ends with ctest's summary line.
test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: build
	@scripts/demo $(BUILD)/floe

bench: build
	@bench/run $(BUILD)
	@$(BUILD)/floe_micro_bench --benchmark_min_time=0.2

# Rewrite schemas/ from the binary (review the diff: it is what editors validate against).
schemas: build
	@$(BUILD)/floe --quiet schema export -o schemas

# The whole suite again, built with AddressSanitizer and UndefinedBehaviorSanitizer.
test-sanitize: bootstrap
	@cmake -S . -B $(SANITIZE_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFLOE_SANITIZE=address,undefined \
	  -DFLOE_BUILD_BENCH=OFF -DFLOE_DUCKDB_DIR=$(CURDIR)/$(BUILD)/_deps/duckdb >/dev/null
	@cmake --build $(SANITIZE_BUILD) -j $(JOBS)
	@cd $(SANITIZE_BUILD) && ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:strict_string_checks=1 \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

# libFuzzer on the config loader for FUZZ_SECONDS seconds (clang-14).
fuzz: bootstrap
	@CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DFLOE_FUZZ=ON -DFLOE_BUILD_TESTS=OFF -DFLOE_BUILD_BENCH=OFF -DFLOE_DUCKDB_DIR=$(CURDIR)/$(BUILD)/_deps/duckdb >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target floe_config_fuzz
	@tests/fuzz/run $(FUZZ_BUILD)/floe_config_fuzz $(FUZZ_SECONDS)

# clang-tidy (.clang-tidy) over src/; slow (minutes), so not part of `make test`.
tidy: build
	@clang-tidy-14 -p $(BUILD) --quiet $(wildcard src/floe/*/*.cc)

clean:
	rm -rf $(BUILD) $(SANITIZE_BUILD) $(FUZZ_BUILD)
