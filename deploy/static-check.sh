#!/usr/bin/env bash
# What the image's build and final stage rely on, checked without Docker: the binary builds with
# CGO_ENABLED=0 -trimpath as the Dockerfile builds it, is statically linked, and serves from an
# empty directory, with an empty environment plus LISTEN_ADDR, as an unprivileged user (65532,
# distroless's nonroot), answering /healthz, /readyz and a GraphQL POST.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

version=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
revision=$(git rev-parse HEAD 2>/dev/null || true)
CGO_ENABLED=0 GOOS=linux go build -trimpath -buildvcs=false \
  -ldflags "-s -w -X github.com/gladgraph/gladgraph/buildinfo.stampedVersion=$version -X github.com/gladgraph/gladgraph/buildinfo.stampedRevision=$revision" \
  -o "$tmp/gladgraph" .
if ldd "$tmp/gladgraph" >/dev/null 2>&1; then
  echo "static-check: the binary is dynamically linked" >&2; exit 1
fi

mkdir "$tmp/empty"
chmod 755 "$tmp" "$tmp/empty" "$tmp/gladgraph"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
run=(env -i "LISTEN_ADDR=127.0.0.1:$port" "$tmp/gladgraph")
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  run=(setpriv --reuid 65532 --regid 65532 --clear-groups "${run[@]}")
fi
(cd "$tmp/empty" && exec "${run[@]}") >"$tmp/log" 2>&1 &
pid=$!

base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { echo "static-check: the binary exited:" >&2; cat "$tmp/log" >&2; exit 1; }
  sleep 0.2
done
echo "healthz: $(curl -fsS "$base/healthz")"
echo "readyz:  $(curl -sS -o /dev/null -w '%{http_code}' "$base/readyz")"
answer=$(curl -fsS "$base/graphql" -H 'Content-Type: application/json' --data '{"query":"{ __typename }"}')
echo "graphql: $answer"
case "$answer" in *'"__typename":"Query"'*) ;; *) echo "static-check: unexpected GraphQL answer" >&2; exit 1 ;; esac
if [ -n "$(ls -A "$tmp/empty")" ]; then
  echo "static-check: the binary wrote into its working directory: $(ls -A "$tmp/empty")" >&2; exit 1
fi
echo "static-check: ok ($(du -h "$tmp/gladgraph" | cut -f1), static, uid 65532, empty env and directory)"
