# syncd — make targets. `make help` lists them.
SHELL := /bin/bash
GO    ?= go
BIN   ?= bin/syncd
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
FUZZTIME ?= 30s

.PHONY: help build build-dev dist test test-unit lint fuzz golden testbed testbed-up testbed-down testbed-env demo bench clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

build: ## build bin/syncd
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w -X github.com/syncd-dev/syncd/internal/version.Version=$(VERSION) -X github.com/syncd-dev/syncd/internal/version.Commit=$$(git rev-parse HEAD 2>/dev/null)" -o $(BIN) ./cmd/syncd

dist: ## release artefacts in dist/: binaries for linux and darwin on amd64 and arm64, SBOMs, SHA256SUMS (VERSION=vX.Y.Z; reproducible)
	@VERSION=$(VERSION) hack/dist.sh

build-dev: ## build bin/syncd-dev with the test hooks (profiles, traces, the crash tests' kill switch); never ship it
	$(GO) build -tags devhooks -o bin/syncd-dev ./cmd/syncd

test: testbed ## run every test (unit + integration against the real test bed) with the race detector
	$(GO) test -race -count=1 -timeout 30m ./... # the e2e package alone runs about 10 minutes on 2 cores

test-unit: ## run the tests that need no test bed
	$(GO) test -race -count=1 $$($(GO) list ./... | grep -v /internal/testbed)

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

fuzz: ## run each fuzz target for FUZZTIME (default 30s)
	$(GO) test ./internal/desired -run '^$$' -fuzz '^FuzzTenantFile$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/desired -run '^$$' -fuzz '^FuzzPolicyRender$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/policy -run '^$$' -fuzz '^FuzzRenderLayout$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/policy -run '^$$' -fuzz '^FuzzParseRendered$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/policy -run '^$$' -fuzz '^FuzzQuote$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/strictyaml -run '^$$' -fuzz '^FuzzDecodeAgreesWithSigsYAML$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/strictyaml -run '^$$' -fuzz '^FuzzYAML11WordsAgreeWithYAMLv2$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/naming -run '^$$' -fuzz '^FuzzMatchersAgreeWithRegexps$$' -fuzztime $(FUZZTIME)

golden: ## rewrite golden files (and schemas/) after an intended output change
	$(GO) test ./internal/cli ./internal/output -run Golden -update
	$(GO) test ./internal/schema -run TestSchemasAreCurrent -update

testbed: ## build (or reuse) Vault, kube-apiserver, etcd, ESO CRDs into the cache; install PostgreSQL if missing
	@hack/testbed/build.sh >&2

demo: testbed ## the story on a fresh test bed, real commands and their output (about a minute)
	@$(GO) run ./hack/demo

BENCH_FLAGS ?=
bench: testbed ## measure syncd against the floor and today's procedure on the real bed (100, 1,000 tenants; BENCH_LARGE=1 adds 10,000); writes BENCHMARKS.md
	@hack/testbed/build.sh kubectl >&2
	$(GO) run ./hack/bench $(if $(BENCH_LARGE),-large) $(BENCH_FLAGS)

testbed-up: testbed ## start the test bed in the background; eval "$$(make -s testbed-up)"
	@$(GO) run ./hack/testbed/bed up

testbed-env: ## print the running test bed's export lines
	@$(GO) run ./hack/testbed/bed env

testbed-down: ## stop the background test bed
	@$(GO) run ./hack/testbed/bed down

clean: ## remove build output (not the component cache)
	rm -rf bin
