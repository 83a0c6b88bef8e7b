#!/usr/bin/env bash
# make schema-check: fails when the subgraph SDL (schema.graphql) has breaking changes against a
# base revision, unless a commit since that base says so with a line containing BREAKING-SCHEMA:.
# The base is SCHEMA_BASE when set; else the last release tag (v*); else the merge base with main
# on a branch; else, on main itself, the previous commit. Changes are judged by GraphQL Inspector
# (tools/package-lock.json pins it).
set -euo pipefail
cd "$(dirname "$0")/.."

base=${SCHEMA_BASE:-}
if [ -z "$base" ]; then
  base=$(git describe --tags --abbrev=0 --match 'v*' 2>/dev/null || true)
fi
if [ -z "$base" ]; then
  mb=$(git merge-base HEAD main 2>/dev/null || true)
  if [ -n "$mb" ] && [ "$mb" != "$(git rev-parse HEAD)" ]; then
    base=$mb
  elif git rev-parse -q --verify HEAD~1 >/dev/null; then
    base=$(git rev-parse HEAD~1)
  else
    echo "schema-check: no earlier revision to compare with"; exit 0
  fi
fi
base=$(git rev-parse --verify "$base^{commit}")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The base's SDL: its schema.graphql, or (before that file existed) its schema/*.graphqls, which
# are the same definitions gladgraph serves as _service.sdl.
if git cat-file -e "$base:schema.graphql" 2>/dev/null; then
  git show "$base:schema.graphql" >"$tmp/old.sdl"
else
  : >"$tmp/old.sdl"
  for f in $(git ls-tree --name-only "$base" schema/ | grep '\.graphqls$'); do
    git show "$base:$f" >>"$tmp/old.sdl"; echo >>"$tmp/old.sdl"
  done
fi
cp schema.graphql "$tmp/new.sdl"

# Federation's directives are imported by @link, not defined: add the definitions neither side has.
prelude() { # $1: sdl file
  local sdl=$1 line name
  while IFS= read -r line; do
    case "$line" in
      directive\ @*) name=${line#directive @}; name=${name%%[ (]*}
        grep -q "^directive @$name\b" "$sdl" || echo "$line" ;;
      scalar\ *|enum\ *) name=$(echo "$line" | awk '{print $2}')
        grep -Eq "^(scalar|enum) $name\b" "$sdl" || echo "$line" ;;
    esac
  done <tools/federation-prelude.graphql
}
for side in old new; do
  { prelude "$tmp/$side.sdl"; cat "$tmp/$side.sdl"; } >"$tmp/$side.graphql"
done

[ -x tools/node_modules/.bin/graphql-inspector ] || (cd tools && npm ci --no-audit --no-fund --loglevel=error)
echo "schema-check: schema.graphql against $(git rev-parse --short "$base")"
set +e
out=$(tools/node_modules/.bin/graphql-inspector diff "$tmp/old.graphql" "$tmp/new.graphql" 2>&1)
rc=$?
set -e
echo "$out" | grep -v '^    at '
if [ $rc -eq 0 ]; then
  exit 0
fi
if ! grep -q 'breaking change' <<<"$out"; then
  echo "schema-check: GraphQL Inspector could not compare the schemas" >&2; exit 1
fi
messages=$(git log --format=%B "$base..HEAD") # not piped into grep -q: pipefail would see git's SIGPIPE
if grep -q 'BREAKING-SCHEMA:' <<<"$messages"; then
  echo "schema-check: breaking changes acknowledged by a commit's BREAKING-SCHEMA: line"
  exit 0
fi
echo "schema-check: breaking schema changes; if intended, say why in a commit message line starting BREAKING-SCHEMA:" >&2
exit 1
