# televal: the two commands a newcomer needs (see README.md).
#
#   make demo   install what is missing, build, run televal-filter and televal-aggregate
#               on examples/
#   make test   install what is missing, build with ASan+UBSan and -Werror, run every test
#
# Packages come from Debian (apt-get) when they are missing; run as root or
# with sudo available.  meson does the real work; this file only wraps it.

BUILD     ?= build
BUILD_DEV ?= build-dev
MESON     ?= meson
NINJA_JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# Debian 12 packages: build tools, the libraries (README: Dependencies), and
# python3-jsonschema and python3-yaml, which the tests use to validate output (the
# session schema, waza's task schema) and to read the YAML televal-to-eval writes;
# clang-format, with which tests/check-source.sh checks the layout; GNU parallel,
# with which tests/cli/shard.sh runs the tools across both cores.
DEB_PACKAGES = meson ninja-build pkg-config gcc g++ \
	libcjson-dev libyaml-dev libpcre2-dev libsimdjson-dev zlib1g-dev libsqlite3-dev nettle-dev \
	libcmocka-dev python3 python3-jsonschema python3-yaml clang-format parallel

.PHONY: all deps build demo test bench clean install fuzz faults valgrind

all: build

deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "televal: installing missing packages:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO=sudo; \
		else echo "televal: run as root or install:$$missing" >&2; exit 1; fi; \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	fi

$(BUILD)/build.ninja: | deps
	$(MESON) setup $(BUILD) -Dbuildtype=release -Db_ndebug=true

$(BUILD_DEV)/build.ninja: | deps
	$(MESON) setup $(BUILD_DEV) --native-file build-dev.ini

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD) -j$(NINJA_JOBS)

demo: build
	@sh examples/demo.sh $(BUILD)/tools/filter/televal-filter
	@echo "== televal-aggregate --by model --prices examples/prices.yaml examples/gemini/collector.log"
	@$(BUILD)/tools/aggregate/televal-aggregate --format table --by model \
		--prices examples/prices.yaml examples/gemini/collector.log
	@echo "== the pipeline: examples/Makefile (collector.log -> sample -> anonymize -> waza tasks)"
	$(MAKE) -C examples demo BUILD=$(abspath $(BUILD))

test: deps $(BUILD_DEV)/build.ninja
	ninja -C $(BUILD_DEV) -j$(NINJA_JOBS)
	@sh tests/check-source.sh
	$(MESON) test -C $(BUILD_DEV) --print-errorlogs --num-processes $(NINJA_JOBS)

bench: build
	bash bench/run.sh

# make fuzz: every libFuzzer harness of tests/fuzz for FUZZ_SECONDS each (clang,
# ASan+UBSan), new inputs in $(BUILD_FUZZ)/corpus/NAME, crashes in
# $(BUILD_FUZZ)/crashes/; FUZZERS="expr tmpl" picks some.  See tests/fuzz/README.md.
BUILD_FUZZ ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZERS ?= readers canonical expr tmpl policy anonymize aggregate

$(BUILD_FUZZ)/build.ninja:
	CC=clang CXX=clang++ $(MESON) setup $(BUILD_FUZZ) -Dfuzz=true -Dtests=disabled \
		-Dman-pages=disabled -Dbuildtype=debugoptimized -Db_sanitize=address,undefined \
		-Db_lundef=false

fuzz: $(BUILD_FUZZ)/build.ninja
	ninja -C $(BUILD_FUZZ) -j$(NINJA_JOBS)
	@for f in $(FUZZERS); do \
		mkdir -p $(BUILD_FUZZ)/corpus/$$f $(BUILD_FUZZ)/crashes; \
		echo "== fuzz_$$f for $(FUZZ_SECONDS)s"; \
		$(BUILD_FUZZ)/tests/fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) \
			-dict=tests/fuzz/$$f.dict -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix=$(BUILD_FUZZ)/crashes/$$f- \
			$(BUILD_FUZZ)/corpus/$$f tests/fuzz/corpus/$$f 2>$(BUILD_FUZZ)/fuzz_$$f.log || \
			{ tail -40 $(BUILD_FUZZ)/fuzz_$$f.log; exit 1; }; \
		grep -E '^#[0-9]+ *DONE' $(BUILD_FUZZ)/fuzz_$$f.log || tail -1 $(BUILD_FUZZ)/fuzz_$$f.log; \
	done

# make faults: the allocation-failure test (tests/cli/faults.sh) failing every
# allocation of each case in turn, not the sample the suite tries.  Slow.
faults: deps $(BUILD_DEV)/build.ninja
	ninja -C $(BUILD_DEV) -j$(NINJA_JOBS)
	TV_FAULTS=all $(MESON) test -C $(BUILD_DEV) faults.sh --print-errorlogs --timeout-multiplier 30

# make valgrind: the end-to-end tests (tests/cli) with every televal binary
# under valgrind's memcheck, in a debug build without sanitizers
# (build-valgrind); see tests/valgrind/run.sh.  Slow: a default set of
# tests runs (about 20 minutes); VALGRIND_ALL=1 runs every test (hours);
# VALGRIND_TESTS="limits.sh docs.sh" picks some.  valgrind is installed for
# this target only.
BUILD_VALGRIND ?= build-valgrind
valgrind: DEB_PACKAGES += valgrind

$(BUILD_VALGRIND)/build.ninja: | deps
	$(MESON) setup $(BUILD_VALGRIND) -Dbuildtype=debug -Db_sanitize=none -Dtests=disabled \
		-Dman-pages=disabled

valgrind: deps $(BUILD_VALGRIND)/build.ninja
	ninja -C $(BUILD_VALGRIND) -j$(NINJA_JOBS)
	nice sh tests/valgrind/run.sh $(BUILD_VALGRIND) $(VALGRIND_TESTS)

install: build
	$(MESON) install -C $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD_DEV) $(BUILD_VALGRIND)
