#!/usr/bin/env bash
# THE command that runs every test:
#
#   deploy/local/test.sh [MAVEN ARGS...]      e.g. -pl points-events, -Dtest=SomeTest, -o
#
# Finds a JDK >= 21 (jdk.sh), makes sure PostgreSQL runs with role points (CREATEDB) and its
# databases (postgres.sh: tests create a fresh database per run on that server), checks the local
# JWT tooling (token.sh --self-check, which also makes the key pair when missing), then runs
# `./mvnw -B verify "$@"` from the repo root. The exit code is Maven's.
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
exec ./mvnw -B verify "$@"
