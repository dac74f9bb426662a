# ipicheck: build, test, and check the built-in protocols.

GO      ?= go
BIN     := bin/ipicheck
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null)
LDFLAGS := $(if $(VERSION),-X main.version=$(VERSION))

# Packages whose code runs concurrently: tested with the race detector.
RACE_PKGS := ./state/... ./explore/...

.PHONY: all build test fmt-check vet run protocols-readme bench bench-go fuzz clean

all: build

# Built without cgo (nothing in ipicheck needs it): a static binary
# starts without the dynamic loader and cgo's threads, which is a quarter
# of the time of checking a small spec.
build:
	CGO_ENABLED=0 $(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/ipicheck

# The concurrent packages run twice: with the race detector, and plain,
# because the race detector sees no assembly: race builds publish new
# states with atomic.StoreUint64, plain ones with state/publish_*.s.
test: fmt-check vet
	$(GO) test -race $(RACE_PKGS)
	$(GO) test $(RACE_PKGS)
	$(GO) test $$($(GO) list ./... | grep -v -e '/state$$' -e '/explore$$')

fmt-check:
	@files=$$(gofmt -l $$(find . -name '*.go' -not -path './.git/*')); \
	if [ -n "$$files" ]; then \
		echo "gofmt needed in:"; echo "$$files" | sed 's/^/  /'; exit 1; \
	fi

vet:
	$(GO) vet ./...

# Check every protocol in protocols/ with every param combination of its
# matrix; fails when a verdict is not the one its expect declarations give.
run: build
	$(BIN) test protocols/

# Regenerate protocols/README.md: the intro in scripts/protocols-readme.md,
# then the table of ipicheck test --format markdown protocols/. A test in
# cmd/ipicheck checks it is up to date.
protocols-readme: build
	scripts/protocols-readme.sh $(BIN) protocols protocols/README.md

# ipicheck, Rumur and SPIN side by side on bench/scale.ipi (installs spin
# and rumur with apt-get when missing); BENCHFLAGS passes options, e.g.
# BENCHFLAGS='--quick' or '--sizes 3x2 --write docs/performance.md'.
bench:
	scripts/bench.sh $(BENCHFLAGS)

# The Go benchmarks.
bench-go:
	$(GO) test -run '^$$' -bench . ./...

# Run each fuzz target for FUZZTIME (default 30s).
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "== $$pkg $$f"; \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

clean:
	rm -rf bin

# Browser test of the HTML charts in headless Chromium (installs Debian's
# chromium if missing); refreshes the screenshots in docs/img/. Not part
# of make test.
.PHONY: e2e
e2e:
	GO=$(GO) e2e/run.sh
