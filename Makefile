# A thin wrapper over CMake: `make demo` runs the paper's IRIS experiment, `make test` runs every
# test (then again under AddressSanitizer + UndefinedBehaviorSanitizer). Both install the Debian
# packages they need when run as root, or say what to install.
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

TOOL_DEPS = libcjson-dev libhdf5-dev libzip-dev libflatbuffers-dev flatbuffers-compiler
TEST_DEPS = $(TOOL_DEPS) libcmocka-dev

# A test that cannot run here (a tool or a ../shared file missing) exits 77 and ctest counts it as
# Skipped, not Passed. After each ctest run the skipped tests are listed with their reasons (from ctest's
# JUnit report); with ANNE_NO_SKIP=1 (CI sets it) a skip fails the run.
CTEST = ctest --output-on-failure -j $(JOBS) --output-junit ctest-junit.xml
SKIPS = awk -v strict="$${ANNE_NO_SKIP:-0}" -f tests/report_skips.awk

.PHONY: all demo test test-fast bench clean

all:
	@scripts/ensure-deps.sh $(TOOL_DEPS)
	cmake -S . -B $(BUILD) -DANNE_BUILD_TESTS=OFF >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# The build's output goes to a log (shown only if it fails), so the demo reads cleanly.
demo:
	@scripts/ensure-deps.sh $(TOOL_DEPS)
	@mkdir -p $(BUILD)
	@echo "building (log: $(BUILD)/demo-build.log) ..."
	@{ cmake -S . -B $(BUILD) -DANNE_BUILD_TESTS=OFF && cmake --build $(BUILD) -j $(JOBS) --target iris_demo anne; } \
	  >$(BUILD)/demo-build.log 2>&1 || { cat $(BUILD)/demo-build.log; exit 1; }
	@$(BUILD)/iris_demo examples/iris

# Every test, warnings as errors, then the same tests under ASan + UBSan.
test:
	@scripts/ensure-deps.sh $(TEST_DEPS)
	cmake -S . -B $(BUILD) -DANNE_BUILD_TESTS=ON -DANNE_WERROR=ON >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	$(CTEST) --test-dir $(BUILD)
	@$(SKIPS) $(BUILD)/ctest-junit.xml
	cmake -S . -B $(ASAN_BUILD) -DANNE_BUILD_TESTS=ON -DANNE_WERROR=ON -DANNE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  $(CTEST) --test-dir $(ASAN_BUILD)
	@$(SKIPS) $(ASAN_BUILD)/ctest-junit.xml

# The tests once, without the sanitizer pass (for quick iterations).
test-fast:
	@scripts/ensure-deps.sh $(TEST_DEPS)
	cmake -S . -B $(BUILD) -DANNE_BUILD_TESTS=ON -DANNE_WERROR=ON >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	$(CTEST) --test-dir $(BUILD)
	@$(SKIPS) $(BUILD)/ctest-junit.xml

# Host benchmarks: inference (bench_host) and training beside TensorFlow.js (needs node for that half).
bench: all
	@$(BUILD)/bench_host examples/iris
	@bash bench/run-train-bench.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
