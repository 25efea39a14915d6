#!/usr/bin/env bash
# THE command that runs every test:
#
#   deploy/local/test.sh [MAVEN ARGS...]      e.g. -pl points-events, -Dtest=SomeTest, -o
#
# Finds a JDK >= 21 (jdk.sh), makes sure PostgreSQL runs with role points (CREATEDB) and its
# databases (postgres.sh: tests create a fresh database per run on that server), checks the local
# JWT tooling (token.sh --self-check, which also makes the key pair when missing), then runs
# `./mvnw -B verify "$@"` from the repo root, then lints the five services' OpenAPI documents the
# build wrote (lint-openapi.sh: Redocly CLI from npm). Fails when either fails.
#
# Env: POINTS_DB_HOST (127.0.0.1), POINTS_DB_PORT (5432), POINTS_DB_USER (points),
# POINTS_DB_PASSWORD (points): passed on to the tests; POINTS_RUN_DIR.
set -euo pipefail
POINTS_SCRIPT=test.sh
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=jdk.sh
. "$POINTS_LOCAL/jdk.sh"

export POINTS_DB_HOST="${POINTS_DB_HOST:-127.0.0.1}"
export POINTS_DB_PORT="${POINTS_DB_PORT:-5432}"
export POINTS_DB_USER="${POINTS_DB_USER:-points}"
export POINTS_DB_PASSWORD="${POINTS_DB_PASSWORD:-points}"

echo "==> JDK: $JAVA_HOME"
echo "==> PostgreSQL on $POINTS_DB_HOST:$POINTS_DB_PORT (deploy/local/postgres.sh)"
"$POINTS_LOCAL/postgres.sh"
echo "==> JWT tooling (deploy/local/token.sh --self-check)"
"$POINTS_LOCAL/token.sh" --self-check
echo "==> ./mvnw -B verify $*"
cd "$POINTS_ROOT"
./mvnw -B verify "$@"
# The build wrote each service's OpenAPI document (target/openapi/): lint them as a client
# generator would read them (Redocly CLI, recommended rules and redocly.yaml).
# With Maven arguments (one module, one test) only the documents this build left are linted.
echo "==> OpenAPI documents (deploy/local/lint-openapi.sh)"
if [ "$#" -eq 0 ]; then
  "$POINTS_LOCAL/lint-openapi.sh"
else
  docs=()
  for svc in "${POINTS_APPS[@]}"; do
    [ -f "$POINTS_ROOT/$svc/target/openapi/openapi.yaml" ] && docs+=("$POINTS_ROOT/$svc/target/openapi/openapi.yaml")
  done
  if [ "${#docs[@]}" -gt 0 ]; then "$POINTS_LOCAL/lint-openapi.sh" "${docs[@]}"; else echo "(no document built)"; fi
fi
