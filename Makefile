# gladgraph — the targets a newcomer expects.
GO ?= go

.PHONY: run test test-go fuzz fuzz-short e2e generate check-generated lint bench reliability soak \
	schema schema-check image image-check deploy-check

## run: start the demo (fake Gladly in-process, GraphQL at http://localhost:4001/graphql)
run:
	$(GO) run .

## test: every test, as CI runs it
test: check-generated test-go fuzz-short e2e

test-go:
	$(GO) test -race -count=1 ./...

# FUZZERS are package:FuzzName pairs; go test -fuzz takes one package and one target at a time.
FUZZERS = ./gqlhttp:FuzzGraphQLRequest ./media:FuzzMediaURL ./graph/model:FuzzDecodeCursor ./webhooks:FuzzWebhook \
	./gladly:FuzzDecodeCustomer ./gladly:FuzzDecodeConversationItem ./gladly:FuzzDecodeErrorBody ./gladly:FuzzEventsStream ./gladly:FuzzDecodeList ./gladly:FuzzDecodeAgentTolerant ./gladly:FuzzParseRetryAfter ./auth:FuzzAuthorization
FUZZTIME ?= 2m
FUZZTIME_SHORT ?= 3000x

## fuzz: every fuzzer for FUZZTIME each (default 2m); new failing inputs land in testdata/fuzz/<FuzzName>/
fuzz:
	@for f in $(FUZZERS); do pkg=$${f%%:*}; name=$${f##*:}; echo "== $$name ($$pkg, $(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg $(FUZZFLAGS) || exit 1; done

## fuzz-short: every fuzzer for 3,000 executions (FUZZTIME_SHORT, a count: a duration this short can
## end inside an execution, which Go reports as "context deadline exceeded"), as CI runs them. Each run
## starts from the seeds and testdata/fuzz only (a fresh cache directory): the corpus the long runs
## grow in Go's cache would make the baseline pass outlast the short fuzz time.
fuzz-short:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZTIME_SHORT) FUZZFLAGS="-test.fuzzcachedir=$$tmp"


## e2e: federation and GraphQL-over-HTTP compliance, checked with Apollo's composition and gateway
## and graphql-http's audit against the demo; @requiresScopes enforced by Hive Gateway (JWT plugin) (Node.js 20+ and npm; packages from e2e/package-lock.json)
e2e:
	@command -v npm >/dev/null 2>&1 || { echo "make e2e needs Node.js 20+ and npm"; exit 1; }
	cd e2e && npm ci && npm test

## generate: regenerate gqlgen code from schema/*.graphqls
generate:
	$(GO) tool gqlgen generate

## check-generated: fail when the generated GraphQL code is stale (regenerated in a temporary copy
## holding the schema and every package graph/ depends on)
check-generated:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	deps=$$($(GO) list -deps ./graph/... | sed -n 's#^github.com/gladgraph/gladgraph/\([^/]*\).*#\1#p' | sort -u); \
	cp -r go.mod go.sum gqlgen.yml schema $$deps "$$tmp"/ && \
	(cd "$$tmp" && $(GO) tool gqlgen generate) && \
	if ! diff -r -q graph "$$tmp/graph"; then \
		echo "generated GraphQL code is stale: run 'make generate' and commit the result"; exit 1; \
	fi

## lint: formatting and vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	@if command -v staticcheck >/dev/null 2>&1; then staticcheck $$($(GO) list ./... | grep -v /graph/generated); \
	else echo "staticcheck not installed (go install honnef.co/go/tools/cmd/staticcheck@latest): skipped"; fi

## bench: the benchmark report
bench:
	$(GO) run ./bench

## reliability: the long runs of the reliability tests, each GLADGRAPH_RELIABILITY long (default 1m):
## upstream faults, three replicas sharing the rate limit, Redis killed and restarted under load,
## an abusive caller beside a normal one
reliability:
	GLADGRAPH_RELIABILITY=$${GLADGRAPH_RELIABILITY:-1m} $(GO) test -count=1 -v -timeout 20m \
		-run '^(TestUpstreamFaults|TestSharedRateLimit|TestRedisKilledUnderLoad|TestAbusiveCallerFairness)$$' .

## soak: GLADGRAPH_SOAK (default 2m) of mixed reads and writes at concurrency 64 over a failing Gladly
soak:
	GLADGRAPH_SOAK=$${GLADGRAPH_SOAK:-2m} $(GO) test -count=1 -v -timeout 20m -run '^TestSoak$$' .

## schema: regenerate schema.graphql, the subgraph SDL gladgraph serves as _service.sdl (a test
## fails while it is stale)
schema:
	$(GO) run ./schema/cmd/sdl > schema.graphql

## schema-check: fail on breaking changes to schema.graphql since the last release tag or the merge
## base with main, unless a commit message has a BREAKING-SCHEMA: line (GraphQL Inspector, tools/)
schema-check:
	bash tools/schema-check.sh

IMAGE ?= gladgraph:latest
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
REVISION ?= $(shell git rev-parse HEAD 2>/dev/null)

## image: the container image (Dockerfile: static binary on distroless, non-root, no shell)
image:
	docker build --build-arg VERSION=$(VERSION) --build-arg REVISION=$(REVISION) -t $(IMAGE) .

## image-check: without Docker, what the image relies on: the static binary serves from an empty
## directory with an empty environment, as an unprivileged user
image-check:
	bash deploy/static-check.sh

## deploy-check: the deployment files validate (YAML, Kubernetes schemas, compose, router settings)
deploy-check:
	@[ -x tools/node_modules/.bin/graphql-inspector ] || (cd tools && npm ci --no-audit --no-fund --loglevel=error)
	node tools/validate-deploy.mjs
	@if command -v docker-compose >/dev/null 2>&1; then \
		ACCOUNTS_ENCRYPTION_KEYS=k1:placeholder docker-compose -f deploy/compose.yaml config -q && echo "compose: valid"; \
	elif docker compose version >/dev/null 2>&1; then \
		ACCOUNTS_ENCRYPTION_KEYS=k1:placeholder docker compose -f deploy/compose.yaml config -q && echo "compose: valid"; \
	else echo "compose: docker-compose not installed: skipped"; fi
	@if command -v kubectl >/dev/null 2>&1; then \
		kubectl kustomize deploy/kubernetes >/dev/null && echo "kustomize: deploy/kubernetes renders"; \
	else echo "kustomize: kubectl not installed: skipped"; fi
