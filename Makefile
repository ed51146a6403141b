# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Every target installs what is missing first, so none needs a manual step.
SHELL := /bin/bash
NPM_FLAGS := --no-audit --no-fund --loglevel=error
STAMP := node_modules/.shadowcast-installed

.PHONY: all install build test demo bench fuzz clean system-deps cluster-demo

all: build

# Re-install only when the lock file changes; `npm ci` gives the pinned tree.
# better-sqlite3 compiles its native part when no prebuilt binary can be fetched (offline machines): it needs a C++ toolchain.
$(STAMP): package.json package-lock.json
	@command -v g++ >/dev/null && command -v make >/dev/null && command -v python3 >/dev/null || \
	  { echo "installing g++, make and python3 (better-sqlite3 builds from source here)"; apt-get update -qq && apt-get install -y -qq g++ make python3; }
	npm ci $(NPM_FLAGS)
	@touch $@

install: $(STAMP)

build: $(STAMP)
	npx tsc -p tsconfig.json

# The tests start real servers and a real browser (each on a free loopback port, stopped after it):
# Debian's redis-server, prometheus and chromium, installed here when missing.
SYSTEM_TOOLS := redis-server prometheus chromium
system-deps:
	@missing=""; for t in $(SYSTEM_TOOLS); do command -v $$t >/dev/null || missing="$$missing $$t"; done; \
	  if [ -n "$$missing" ]; then echo "installing$$missing (Debian packages the tests use)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi

test: build system-deps
	npx uvu dist '\.test\.js$$'

demo: build
	node dist/runs/cli.js demo

# Redis and two workers on this machine, the demo's shop simulation through them, then all stopped (docs/distributed.md).
CLUSTER_PORT ?= 6390
CLUSTER_REPLICATIONS ?= 40
CLUSTER_HORIZON ?= 30m
cluster-demo: build system-deps
	@set -e; dir=$$(mktemp -d); url=redis://127.0.0.1:$(CLUSTER_PORT); trap 'kill $$w1 $$w2 2>/dev/null; wait $$w1 $$w2; kill $$redis; wait; rm -rf $$dir' EXIT; \
	  redis-server --port $(CLUSTER_PORT) --bind 127.0.0.1 --save '' --appendonly no --dir $$dir >$$dir/redis.log & redis=$$!; \
	  for i in $$(seq 50); do redis-cli -p $(CLUSTER_PORT) ping >/dev/null 2>&1 && break; sleep 0.1; done; \
	  node dist/runs/cli.js worker --redis $$url --concurrency 1 & w1=$$!; node dist/runs/cli.js worker --redis $$url --concurrency 1 & w2=$$!; \
	  node dist/runs/cli.js simulate --twin twins/examples/shop.yaml --out $$dir/out --replications $(CLUSTER_REPLICATIONS) --horizon $(CLUSTER_HORIZON) --window 5m --executor bullmq --redis $$url

bench: build
	node --expose-gc dist/bench/run.js

# The long fuzz run of every reader (README, "Hardening"); a fixed-seed slice runs in `make test`.
fuzz: build
	node dist/runs/fuzz/main.js --runs 400

clean:
	rm -rf dist bench/results
