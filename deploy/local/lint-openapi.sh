#!/usr/bin/env bash
# Lints each service's OpenAPI document with Redocly CLI (the recommended rules and redocly.yaml's
# stricter ones) and fails on any error or warning.
#
#   deploy/local/lint-openapi.sh            the documents the build wrote to <service>/target/openapi/
#   deploy/local/lint-openapi.sh FILE...    those files
#
# The build writes the documents (quarkus.smallrye-openapi.store-schema-directory): run
# ./mvnw package (or verify) first. Redocly CLI is installed from npm into the run directory on
# first use (needs node and npm). Env: REDOCLY_CLI_VERSION (2.77.0), POINTS_RUN_DIR.
set -euo pipefail
POINTS_SCRIPT=lint-openapi.sh
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VERSION="${REDOCLY_CLI_VERSION:-2.77.0}"
TOOLS="$POINTS_RUN/tools/redocly-$VERSION"
REDOCLY="$TOOLS/node_modules/.bin/redocly"

case "${1:-}" in -h|--help) points_usage "$0"; exit 0 ;; esac

command -v npm >/dev/null 2>&1 || points_die "npm is needed for Redocly CLI (apt-get install -y nodejs npm)"
if [ ! -x "$REDOCLY" ]; then
  echo "lint-openapi.sh: installing @redocly/cli@$VERSION into $TOOLS"
  mkdir -p "$TOOLS"
  (cd "$TOOLS" && npm install --silent --no-audit --no-fund --no-save "@redocly/cli@$VERSION" >/dev/null) \
    || points_die "could not install @redocly/cli@$VERSION from npm"
fi

files=("$@")
if [ "${#files[@]}" -eq 0 ]; then
  for svc in "${POINTS_APPS[@]}"; do
    doc="$POINTS_ROOT/$svc/target/openapi/openapi.yaml"
    [ -f "$doc" ] || points_die "$doc is missing: build first (./mvnw -B package -DskipTests)"
    files+=("$doc")
  done
fi

failed=0
for doc in "${files[@]}"; do
  out="$(cd "$POINTS_ROOT" && "$REDOCLY" lint --config redocly.yaml --format=stylish "$doc" 2>&1)" && rc=0 || rc=$?
  problems="$(grep -cE '^\s*[0-9]+:[0-9]+\s+(error|warning)' <<<"$out" || true)"
  if [ "$rc" -ne 0 ] || [ "$problems" -ne 0 ]; then
    echo "✗ ${doc#"$POINTS_ROOT"/}: $problems problems"
    grep -E '(error|warning)' <<<"$out" | grep -v 'Node.js' | head -n 60
    failed=1
  else
    echo "✓ ${doc#"$POINTS_ROOT"/}: no errors, no warnings"
  fi
done
exit "$failed"
