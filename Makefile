# ipicheck: build, test, and check the built-in protocols.

GO      ?= go
BIN     := bin/ipicheck
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null)
LDFLAGS := $(if $(VERSION),-X main.version=$(VERSION))

# The variants `make run` checks, with the verdict each must give:
#   PROTOCOL:NAME=VALUE,NAME=VALUE:EXPECTED
# EXPECTED is verified, deadlock, violation, hang or incomplete. A protocol in
# protocols/ with no variant here is checked once with its defaults and
# passes with any verdict (it must still load and run).
RUN_VARIANTS := \
	alpha_sync_ipi:CPUS=2,IRQS_OFF=false:verified \
	alpha_sync_ipi:CPUS=2,LOCK=none:deadlock \
	alpha_sync_ipi:CPUS=2,LOCK=spin:deadlock \
	alpha_sync_ipi:CPUS=2,LOCK=drain:verified \
	alpha_sync_ipi:CPUS=3,IRQS_OFF=false:verified \
	alpha_sync_ipi:CPUS=3,LOCK=none:deadlock \
	alpha_sync_ipi:CPUS=3,LOCK=spin:deadlock \
	alpha_sync_ipi:CPUS=3,LOCK=drain:verified \
	alpha_lost_edge:RESCUE=false:hang \
	alpha_lost_edge:RESCUE=true:verified \
	alpha_lost_edge:RESCUE=true,ALL_SEND=true,IRQS_OFF=true,LOCK=drain:verified

# Packages whose code runs concurrently: tested with the race detector.
RACE_PKGS := ./state/... ./explore/...

.PHONY: all build test fmt-check vet run bench fuzz clean

all: build

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/ipicheck

test: fmt-check vet
	$(GO) test -race $(RACE_PKGS)
	$(GO) test $$($(GO) list ./... | grep -v -e '/state$$' -e '/explore$$')

fmt-check:
	@files=$$(gofmt -l $$(find . -name '*.go' -not -path './.git/*')); \
	if [ -n "$$files" ]; then \
		echo "gofmt needed in:"; echo "$$files" | sed 's/^/  /'; exit 1; \
	fi

vet:
	$(GO) vet ./...

# Check every built-in protocol with every declared variant; fails when a
# verdict is not the expected one.
run: build
	scripts/run-protocols.sh $(BIN) protocols $(RUN_VARIANTS)

bench:
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
