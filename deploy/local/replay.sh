#!/usr/bin/env bash
# Replays the event log into JSON Lines, CSV or the analytics database: replay-cli's jar with the
# local stack's defaults (java -jar replay-cli/target/replay-cli.jar [options]; --help lists them all).
#
#   deploy/local/replay.sh --format jsonl --output ledger.jsonl
#   deploy/local/replay.sh --topics points.ledger,members,catalog.rewards,redemptions \
#       --format postgres --from saved --follow --name dashboard
#
# Defaults added for the local stack (each only when the command line does not say):
#   --kafka-config <run dir>/kafka/analytics.properties   (the analytics principal, written by
#                                                          kafka-up.sh: bootstrap and SASL/SCRAM)
#   --output jdbc:postgresql://POINTS_DB_HOST:POINTS_DB_PORT/analytics   (with --format postgres)
#   --db-user/--db-password from POINTS_DB_USER/POINTS_DB_PASSWORD (points/points)
# Builds the jar first (./mvnw -B -q package -DskipTests -pl replay-cli -am) when it is missing or
# older than its sources. Needs a JDK >= 21 (jdk.sh finds one). Env: POINTS_RUN_DIR, POINTS_DB_*,
# REPLAY_HEAP (1g), REPLAY_JAVA_OPTS (more JVM options).
#
# The JVM runs a batch job here, so it uses the throughput collector with half of a fixed heap young:
# the batches waiting between the poll, the reader and the writer are short-lived, and G1's pauses to
# copy them cost 1.5 s of a 9.7 s replay of 1.45 million events (JFR). Measured in turns on the same
# topic: G1 236-268k events/s to JSON Lines, ParallelGC with a 512 MB young generation 319-335k
# (docs/benchmarks.md, 2026-12-03).
set -euo pipefail
POINTS_SCRIPT=replay.sh
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=jdk.sh
. "$POINTS_LOCAL/jdk.sh"

jar="$POINTS_ROOT/replay-cli/target/replay-cli.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$POINTS_ROOT/replay-cli/pom.xml" "$POINTS_ROOT/replay-cli/src/main" \
    "$POINTS_ROOT/points-events/src/main" -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
  points_err "building replay-cli: ./mvnw -B -q package -DskipTests -pl replay-cli -am"
  (cd "$POINTS_ROOT" && ./mvnw -B -q package -DskipTests -pl replay-cli -am </dev/null) >&2 \
    || points_die "could not build $jar"
fi

has() { local a; for a in "${args[@]}"; do [ "$a" = "$1" ] || [[ "$a" == "$1="* ]] && return 0; done; return 1; }
args=("$@")
defaults=()
analytics_properties="$(points_kafka_client_properties analytics)"
if ! has --kafka-config && ! has --bootstrap-servers && [ -r "$analytics_properties" ]; then
  defaults+=(--kafka-config "$analytics_properties")
fi
postgres=false
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --format=postgres) postgres=true ;;
    --format) [ "${args[$((i + 1))]:-}" = postgres ] && postgres=true ;;
  esac
done
if [ "$postgres" = true ] && ! has --output; then
  defaults+=(--output "jdbc:postgresql://${POINTS_DB_HOST:-127.0.0.1}:${POINTS_DB_PORT:-5432}/analytics")
fi
heap="${REPLAY_HEAP:-1g}"
# shellcheck disable=SC2086 # REPLAY_JAVA_OPTS is a list of options
exec java -XX:+UseParallelGC -XX:NewRatio=1 "-Xms$heap" "-Xmx$heap" ${REPLAY_JAVA_OPTS:-} -jar "$jar" "${defaults[@]}" "$@"
