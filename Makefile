# golive — make targets. `make` alone lists them.
GO ?= go
PKGS ?= ./...
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS := -s -w -X github.com/ag06mixer/golive/internal/app.Version=$(VERSION)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: help build build-load test test-long race lint bench fuzz demo load ingest storm soak
help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 12

build: ## build ./golive the way the Dockerfile does
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o golive ./cmd/golive

build-load: ## build bin/golive and bin/golive-load, for the load figures
	$(GO) build -o bin/golive ./cmd/golive
	$(GO) build -o bin/golive-load ./cmd/golive-load

test: ## run the tests (an embedded Redis stands in unless GOLIVE_TEST_REDIS_URL is set); the long ones skip
	$(GO) test $(PKGS)

test-long: ## the long tests only (TestScenario…: the demo, probe intervals, kill, storm, faults), as CI's own step
	GOLIVE_TEST_LONG=1 $(GO) test -count=1 -run '^TestScenario' ./internal/e2e

race: ## run the tests with the race detector
	$(GO) test -race -count=1 $(PKGS)

lint: ## go vet and staticcheck
	$(GO) vet $(PKGS)
	$(GO) run $(STATICCHECK) $(PKGS)

bench: ## run the benchmarks, 6 counts each, into bench/new.txt (compare with benchstat)
	mkdir -p bench
	$(GO) test -run '^$$' -bench . -benchmem -count 6 $(PKGS) | tee bench/new.txt

fuzz: ## fuzz each parser for FUZZTIME (default 30s)
	$(GO) test ./internal/checklist -run '^$$' -fuzz FuzzParse -fuzztime $${FUZZTIME:-30s}
	$(GO) test ./internal/webhook -run '^$$' -fuzz FuzzParse -fuzztime $${FUZZTIME:-30s}
	$(GO) test ./internal/command -run '^$$' -fuzz FuzzParse -fuzztime $${FUZZTIME:-30s}

demo: ## play a release against the fake GitHub
	$(GO) run ./cmd/golive demo

load: ## drive a golive of its own at 1,000 deliveries/s for up to a minute; prints ack latency and writes
	$(GO) run ./cmd/golive-load --self --rate 1000 --count 20000 --duration 60s --releases 200

ingest: build-load ## ingest flat out with the workers running against the bare baseline, alternating, three rounds (needs GOLIVE_REDIS_URL)
	for i in 1 2 3; do \
	  bin/golive-load --spawn bin/golive --rate 0 --count 30000 --duration 30s --releases 200 | grep '^check runs' | sed 's/^/golive:   /'; \
	  bin/golive-load --baseline --rate 0 --count 30000 --duration 30s --releases 200 | grep '^check runs' | sed 's/^/baseline: /'; \
	done

storm: ## the load and fault scenarios at full size (200 releases × 50 checks, 3 pushes, 4 sign-offs); RUN=Kill for one
	GOLIVE_TEST_LONG=1 $(GO) test ./internal/e2e -run 'Scenario$(RUN)' -storm.full -parallel 1 -timeout 60m -v

soak: build-load ## 30 minutes at 50 deliveries/s against golive serve in its own process (needs GOLIVE_REDIS_URL); its memory, goroutines and Redis sampled every minute (not in CI)
	$(GO) run ./cmd/golive-load --spawn bin/golive --rate 50 --count 90000 --duration 30m --releases 200 --sample 60s
