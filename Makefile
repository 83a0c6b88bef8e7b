# gladgraph — the targets a newcomer expects.
GO ?= go

.PHONY: run test test-go generate check-generated lint bench

## run: start the demo (fake Gladly in-process, GraphQL at http://localhost:4001/graphql)
run:
	$(GO) run .

## test: every test, as CI runs it
test: test-go

test-go:
	$(GO) test -race -count=1 ./...

## generate: regenerate gqlgen code from schema/*.graphqls
generate:
	$(GO) tool gqlgen generate

## lint: formatting and vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## bench: the benchmark report
bench:
	$(GO) run ./bench
