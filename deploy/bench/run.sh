#!/usr/bin/env bash
# The benchmarks of docs/benchmarks.md, each beside raw baselines measured in the same run:
#
#   deploy/bench/run.sh [baseline] [holds] [earnings] [rebuild] [redemptions] [flash-sale] [notifications] [deliveries]
#
#   baseline  raw Kafka producer/consumer (kafka-producer-perf-test, kafka-consumer-perf-test),
#             raw PostgreSQL (pgbench: simple updates over many rows, and updates of one hot row),
#             this client's HTTP ceiling (GET /q/health/live)
#   holds     hold+capture pairs per second at ledger-service: one hot member, then 10 000 members
#   earnings  earnings per second through earning-service's HTTP API, closed loop (the most it serves at
#             BENCH_CONCURRENCY), then open loop at BENCH_EARNING_RATE (5000)/s over BENCH_EARNING_CONNECTIONS
#             (128) connections, latency from each order's intended send time (the p99 target's reading)
#   rebuild   1 000 000 events written to points.ledger and read back raw, then the ledger's rebuild
#   redemptions  POST /api/v1/redemptions open-loop at BENCH_RATE (500)/s over 10 000 members and 50
#             rewards, latency from each request's intended send time
#   flash-sale   10 000 attempts on one reward of stock 1 000, each followed until it settles (on a
#             redemption-service started less than BENCH_FLASH_FRESH (900) s ago, after BENCH_FLASH_WARMUPS (3)
#             unrecorded sales of the same size, since its JIT is still compiling the saga's path)
#   notifications  notification-service (issue #21): notices stored per second catching up on a backlog of
#             BENCH_NOTICE_EVENTS (200 000) credits (the service stopped while they are written); e-mails to
#             GreenMail and webhook deliveries to a receiver here per second, with a slow (2 s) and a down
#             receiver registered beside it; each notice's lag behind the log while the earning scenario runs
#   deliveries   only the e-mails and webhook deliveries of "notifications": both at once, webhooks alone
#             (members without an address), e-mails alone (no endpoint), each timed from its credits' write
#   (the last four are not part of "no argument: all of them")
#   replay    replay-cli (deploy/local/replay.sh) over the whole of points.ledger after BENCH_EVENTS
#             more events were written to it, into JSON Lines (a file) and into PostgreSQL (a fresh
#             database replay_bench), beside the raw consumer (kafka-consumer-perf-test) in the same run
#             (not part of "no argument" either; alone, it needs only Kafka and PostgreSQL)
#
# Starts the local stack first (deploy/local/up.sh; harmless when it runs); `run.sh replay` alone
# starts only PostgreSQL and Kafka (postgres.sh, kafka-up.sh). Markdown rows go to
# stdout and to deploy/bench/.results/<UTC time>.md. Env: BENCH_SECONDS (30), BENCH_WARMUP (15: seconds
# of load before each measured window, not recorded, so that the services' JIT has settled), BENCH_CONCURRENCY (32),
# BENCH_EVENTS (1000000), BENCH_STOP (services to stop after the stack is up, e.g. "catalog-service
# redemption-service notification-service" to measure the ledger without the other consumers of
# points.ledger on the same 2 cores). The machine is shared and noisy: read ratios to the baselines.
set -euo pipefail
POINTS_SCRIPT=bench/run.sh
# shellcheck source=../local/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../local/lib.sh"
# shellcheck source=../local/jdk.sh
. "$POINTS_LOCAL/jdk.sh"

SECONDS_PER_RUN="${BENCH_SECONDS:-30}"
WARMUP="${BENCH_WARMUP:-15}"
CONCURRENCY="${BENCH_CONCURRENCY:-32}"
EVENTS="${BENCH_EVENTS:-1000000}"
BOOTSTRAP="localhost:$KAFKA_PORT"
# The broker takes only authenticated clients: the load generator logs in as the operator (kafka-tool.sh
# does so by itself for Kafka's perf tools).
KAFKA_CONFIG="$(points_kafka_client_properties operator)"
export PGPASSWORD="${POINTS_DB_PASSWORD:-points}"
PG=(-h "${POINTS_DB_HOST:-127.0.0.1}" -p "${POINTS_DB_PORT:-5432}" -U "${POINTS_DB_USER:-points}")

what=("$@")
[ "${#what[@]}" -gt 0 ] || what=(baseline holds earnings rebuild)
RATE="${BENCH_RATE:-500}"
EARNING_RATE="${BENCH_EARNING_RATE:-5000}"
EARNING_CONNECTIONS="${BENCH_EARNING_CONNECTIONS:-128}"
wants() { local w; for w in "${what[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }
# The replay needs no service: alone, it starts (and times) without them.
only_replay=false
[ "${what[*]}" = replay ] && only_replay=true

results_dir="$POINTS_ROOT/deploy/bench/.results"
mkdir -p "$results_dir"
results="$results_dir/$(date -u +%Y%m%dT%H%M%SZ).md"
out() { printf '%s\n' "$*" | tee -a "$results"; }
# pgbench's transactions per second, or why there is none (the stack's pools can hold every
# connection the server allows after a load run, for example): a missing baseline is said in the
# results, and the other scenarios still run.
pgbench_tps() {
  local log rc=0 tps
  log="$(mktemp)"
  tps="$(pgbench "${PG[@]}" "$@" 2>"$log" | sed -nE 's/^tps = ([0-9.]+).*/\1/p')" || rc=$?
  if [ "$rc" -ne 0 ] || [ -z "$tps" ]; then
    tps="none (pgbench: $(grep -m1 -iE 'error|fatal' "$log" | sed -E 's/^pgbench: //; s/\|/\\|/g' || true))"
  fi
  rm -f "$log"
  printf '%s' "$tps"
}

if [ "$only_replay" = true ]; then
  "$POINTS_LOCAL/postgres.sh" >/dev/null
  "$POINTS_LOCAL/kafka-up.sh" >/dev/null
else
  "$POINTS_LOCAL/up.sh" >/dev/null
fi
for svc in ${BENCH_STOP:-}; do
  if pid="$(points_running_pid "$svc")"; then
    kill -TERM "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.5; done
  fi
done
jar="$POINTS_ROOT/bench/target/bench-0.1.0-SNAPSHOT.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$POINTS_ROOT/bench/src" -newer "$jar" -print -quit)" ]; then
  (cd "$POINTS_ROOT" && ./mvnw -B -q package -DskipTests -pl bench -am)
fi
# CPU per operation of each process (the services still running, Kafka, the analysts' live replay
# and dashboard, GreenMail, PostgreSQL, the load generator) over each measured window, printed as a
# table after each section's results.
# (again after a scenario restarts a service: its new process is watched, not the old one's pid)
watch_running() {
  watch=""
  local svc pid
  for svc in "${POINTS_SERVICES[@]}" kafka analytics-replay analytics-dashboard greenmail; do
    if pid="$(points_running_pid "$svc")"; then watch="$watch${watch:+,}${svc%-service}=$pid"; fi
  done
}
watch_running
cpu_rows="$(mktemp)"
trap 'rm -f "$cpu_rows"' EXIT
# Every request carries a real bearer token (made by token.sh, valid for a day), so the figures
# include its verification: checkout for enrolments and orders, service for holds and reads.
token_args=()
admin_token=""
if [ "$only_replay" = false ]; then
token_args=(
  "-Dpoints.bench.token.checkout=$(TOKEN_TTL_SECONDS=86400 "$POINTS_LOCAL/token.sh" checkout bench-checkout)"
  "-Dpoints.bench.token.service=$(TOKEN_TTL_SECONDS=86400 "$POINTS_LOCAL/token.sh" service bench)"
  "-Dpoints.bench.token.admin=$(TOKEN_TTL_SECONDS=86400 "$POINTS_LOCAL/token.sh" admin bench-admin)"
  # Members' own tokens are minted by the load generator with the local stack's key.
  "-Dpoints.bench.jwt.private-key=$POINTS_RUN/keys/jwt-private.pem"
)
admin_token="$(TOKEN_TTL_SECONDS=86400 "$POINTS_LOCAL/token.sh" admin bench-admin)"
fi
bench() { java -Xmx1g "${token_args[@]}" -cp "$jar:$POINTS_ROOT/bench/target/lib/*" io.pointsplatform.bench.Bench "$@" \
  --seconds "$SECONDS_PER_RUN" --warmup "$WARMUP" --concurrency "$CONCURRENCY" --watch "$watch" --cpu-out "$cpu_rows" \
  2>>"$results_dir/bench.log"; }
# The CPU table of the scenarios run since the last call.
cpu_table() {
  [ -s "$cpu_rows" ] || return 0
  out "CPU milliseconds per operation, by process, over the same windows:"
  out ""
  local header="| scenario |" rule="|---|" name
  for name in $(tr ',' '\n' <<<"$watch" | cut -d= -f1) postgres "load generator"; do
    header="$header $name |"
    rule="$rule---:|"
  done
  out "$header postgres by database | machine busy |"
  out "$rule---|---:|"
  while IFS= read -r row; do out "$row"; done <"$cpu_rows"
  : >"$cpu_rows"
  out ""
}

# Services started minutes ago are still compiling (the JIT took more CPU than the event loops in
# the first minute): a fresh stack gets a minute of unrecorded load first.
if wants holds || wants earnings; then
  ledger_pid="$(points_running_pid ledger-service || true)"
  if [ -n "$ledger_pid" ] && [ "$(ps -o etimes= -p "$ledger_pid" | tr -d ' ')" -lt 300 ]; then
    points_log "services started less than 5 minutes ago: a minute of unrecorded load first"
    java -Xmx1g "${token_args[@]}" -cp "$jar:$POINTS_ROOT/bench/target/lib/*" io.pointsplatform.bench.Bench holds \
      --ledger "http://localhost:${POINTS_PORT[ledger-service]}" --kafka "$BOOTSTRAP" --kafka-config "$KAFKA_CONFIG" --members 1 \
      --seconds 25 --warmup 5 --concurrency "$CONCURRENCY" >/dev/null 2>>"$results_dir/bench.log" || true
    java -Xmx1g "${token_args[@]}" -cp "$jar:$POINTS_ROOT/bench/target/lib/*" io.pointsplatform.bench.Bench earnings \
      --earning "http://localhost:${POINTS_PORT[earning-service]}" --members 1000 \
      --seconds 25 --warmup 5 --concurrency "$CONCURRENCY" >/dev/null 2>>"$results_dir/bench.log" || true
  fi
fi

out "# Benchmark run $(date -u +%FT%TZ)"
out ""
out "$(uname -srm), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -n 1)"
out "git $(cd "$POINTS_ROOT" && git rev-parse --short HEAD), ${SECONDS_PER_RUN}s per run after ${WARMUP}s of warm-up, concurrency $CONCURRENCY${BENCH_STOP:+, stopped: $BENCH_STOP}"
out ""

if wants baseline; then
  out "## Baselines (raw servers, same machine, same run)"
  out ""
  out "| baseline | rate | note |"
  out "|---|---:|---:|"
  "$POINTS_LOCAL/kafka-tool.sh" topics --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic bench.raw --partitions 6 >/dev/null
  produced="$("$POINTS_LOCAL/kafka-tool.sh" producer-perf-test --topic bench.raw --num-records 500000 \
    --record-size 400 --throughput -1 --producer-props "bootstrap.servers=$BOOTSTRAP" acks=all \
    compression.type=lz4 linger.ms=5 | tail -n 1)"
  out "| kafka-producer-perf-test, 500 000 × 400 B, acks=all, lz4 | $(sed -E 's/.* ([0-9.]+) records\/sec.*/\1/' <<<"$produced") records/s | $(sed -E 's/.*, ([0-9.]+) ms avg latency.*/\1/' <<<"$produced") ms avg |"
  consumed="$("$POINTS_LOCAL/kafka-tool.sh" consumer-perf-test --bootstrap-server "$BOOTSTRAP" --topic bench.raw \
    --messages 500000 --timeout 60000 | tail -n 1)"
  out "| kafka-consumer-perf-test, the same records | $(cut -d, -f6 <<<"$consumed" | tr -d ' ') records/s | |"
  psql "${PG[@]}" -d postgres -qAtc "select 1 from pg_database where datname = 'bench'" | grep -q 1 \
    || psql "${PG[@]}" -d postgres -qc "create database bench"
  pgbench "${PG[@]}" -q -i -s 10 bench >/dev/null 2>&1 || true   # a failure shows in the runs below
  tps="$(pgbench_tps -N -c 8 -j 2 -T "$SECONDS_PER_RUN" bench)"
  out "| pgbench simple-update (-N), 8 clients, scale 10 | $tps tx/s | |"
  hot="$(mktemp)"
  echo 'UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = 1;' >"$hot"
  tps="$(pgbench_tps -f "$hot" -c 8 -j 2 -T "$SECONDS_PER_RUN" bench)"
  rm -f "$hot"
  out "| pgbench, one hot row updated by 8 clients | $tps tx/s | |"
  out ""
  out "| scenario | ops/s | p50 ms | p90 ms | p99 ms | p99.9 ms | errors |"
  out "|---|---:|---:|---:|---:|---:|---:|"
  # The ledger's endpoint, or the first service still running when BENCH_STOP stopped the ledger.
  probe=""
  for svc in ledger-service "${POINTS_SERVICES[@]}"; do
    if points_running_pid "$svc" >/dev/null; then probe="$svc"; break; fi
  done
  if [ -n "$probe" ]; then
    out "$(bench http-baseline --url "http://localhost:${POINTS_PORT[$probe]}/q/health/live")"
  else
    out "| HTTP GET /q/health/live (baseline) | not measured: every service is stopped | | | | | |"
  fi
  out ""
  cpu_table
fi

if wants holds; then
  out "## Ledger: hold + capture pairs"
  out ""
  out "| scenario | pairs/s | p50 ms | p90 ms | p99 ms | p99.9 ms | errors |"
  out "|---|---:|---:|---:|---:|---:|---:|"
  ledger="http://localhost:${POINTS_PORT[ledger-service]}"
  out "$(bench holds --ledger "$ledger" --kafka "$BOOTSTRAP" --kafka-config "$KAFKA_CONFIG" --members 1)"
  out "$(bench holds --ledger "$ledger" --kafka "$BOOTSTRAP" --kafka-config "$KAFKA_CONFIG" --members 10000)"
  out ""
  cpu_table
fi

if wants earnings; then
  out "## Earning: earnings per order through HTTP"
  out ""
  out "| scenario | earnings/s | p50 ms | p90 ms | p99 ms | p99.9 ms | errors |"
  out "|---|---:|---:|---:|---:|---:|---:|"
  out "$(bench earnings --earning "http://localhost:${POINTS_PORT[earning-service]}" --members 1000)"
  out "$(bench earnings --earning "http://localhost:${POINTS_PORT[earning-service]}" --members 1000 \
    --rate "$EARNING_RATE" --connections "$EARNING_CONNECTIONS")"
  out ""
  cpu_table
fi

services_urls=(--earning "http://localhost:${POINTS_PORT[earning-service]}" --ledger "http://localhost:${POINTS_PORT[ledger-service]}"
  --catalog "http://localhost:${POINTS_PORT[catalog-service]}" --redemption "http://localhost:${POINTS_PORT[redemption-service]}")
if wants redemptions; then
  out "## Redemption: the saga through the whole stack, open loop"
  out ""
  out "| scenario | completed/s | p50 ms | p90 ms | p99 ms | p99.9 ms | errors |"
  out "|---|---:|---:|---:|---:|---:|---:|"
  out "$(bench redemptions "${services_urls[@]}" --members 10000 --rewards 50 --rate "$RATE")"
  out ""
  cpu_table
fi

if wants flash-sale; then
  out "## Redemption: a flash sale"
  out ""
  out "| scenario | completed | not settled in 10 s | settle p50 ms | p99 ms | max ms | stock left | outcomes |"
  out "|---|---:|---:|---:|---:|---:|---:|---|"
  # Sagas an earlier scenario left PENDING would share the cores with the sale: settled first (up to 5 minutes).
  for _ in $(seq 1 60); do
    [ "$(psql "${PG[@]}" -d redemption -Atc "select count(*) from redemption where status = 'PENDING'")" -eq 0 ] && break
    sleep 5
  done
  # A redemption-service started minutes ago still compiles the saga's path: on 2026-12-07 the first
  # three sales after up.sh left 9 885, 6 473 and 3 698 attempts late, the next four none. So on a fresh
  # service (less than BENCH_FLASH_FRESH, 900 s) BENCH_FLASH_WARMUPS (3) sales of the same size run
  # first, unrecorded but said in the row; BENCH_FLASH_WARMUPS=0 measures the cold stack.
  flash_sale=(flash-sale "${services_urls[@]}" --members 10000 --attempts 10000 --stock 1000 --rate 2000 --settle-seconds 10)
  flash_pid="$(points_running_pid redemption-service || true)"
  flash_warmups=0
  if [ -n "$flash_pid" ] && [ "$(ps -o etimes= -p "$flash_pid" | tr -d ' ')" -lt "${BENCH_FLASH_FRESH:-900}" ]; then
    flash_warmups="${BENCH_FLASH_WARMUPS:-3}"
  fi
  for i in $(seq 1 "$flash_warmups"); do
    points_log "redemption-service started less than ${BENCH_FLASH_FRESH:-900} s ago: unrecorded flash sale $i of $flash_warmups first"
    bench "${flash_sale[@]}" >>"$results_dir/bench.log" || true
    : >"$cpu_rows"
  done
  row="$(bench "${flash_sale[@]}")"
  [ "$flash_warmups" -eq 0 ] || row="${row/ one reward,/ after $flash_warmups unrecorded sales (a fresh service), one reward,}"
  out "$row"
  out ""
fi

if wants notifications; then
  notice_events="${BENCH_NOTICE_EVENTS:-200000}"
  notification_db="jdbc:postgresql://${POINTS_DB_HOST:-127.0.0.1}:${POINTS_DB_PORT:-5432}/notification"
  out "## Notifications: notices, lag, e-mails and webhooks (issue #21)"
  out ""
  out "| what | rate | detail |"
  out "|---|---:|---:|"
  # A backlog: the members enrolled (without an address) while notification-service runs, then the
  # service stopped while their credits are written, and started again; the raw consumer reads the
  # same topic first, as the baseline.
  prefix="$(bench notices-enrol --kafka "$BOOTSTRAP" --kafka-config "$KAFKA_CONFIG" --members 10000 --db "$notification_db")"
  if pid="$(points_running_pid notification-service)"; then
    kill -TERM "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.5; done
  fi
  bench notices-write --kafka "$BOOTSTRAP" --kafka-config "$KAFKA_CONFIG" --prefix "$prefix" --events "$notice_events" --members 10000
  bench ledger-read --kafka "$BOOTSTRAP" --kafka-config "$KAFKA_CONFIG" --after "the backlog was written" \
    | while IFS= read -r row; do out "$row"; done
  "$POINTS_LOCAL/up.sh" >/dev/null
  watch_running
  out "$(bench notices-backlog --prefix "$prefix" --events "$notice_events" --db "$notification_db")"
  # Baseline: PostgreSQL's own writes for such a backlog (notices-batch.sql: 500 notices, their e-mail
  # deliveries and the member view's lots a transaction, one client, as the notice consumer stores one
  # batch at a time) in a scratch database with notification-service's migrations.
  psql "${PG[@]}" -d postgres -qc "drop database if exists notices_bench with (force)" -qc "create database notices_bench"
  printf '%s\n' "$POINTS_ROOT"/notification-service/src/main/resources/db/migration/V*.sql | sort -V \
    | while IFS= read -r migration; do psql "${PG[@]}" -d notices_bench -q -v ON_ERROR_STOP=1 -f "$migration" >/dev/null; done
  tps="$(pgbench_tps -n -f "$POINTS_ROOT/deploy/bench/notices-batch.sql" -c 1 -T "$SECONDS_PER_RUN" notices_bench)"
  out "| baseline: PostgreSQL's own writes for the same notices (pgbench, deploy/bench/notices-batch.sql: 500 notices, their e-mail deliveries and lots a transaction, one client) | $(awk -v t="$tps" 'BEGIN {if (t ~ /^[0-9.]+$/) printf "%.0f notices/s", t * 500; else printf "none"}') | $tps transactions/s |"
  psql "${PG[@]}" -d postgres -qc "drop database if exists notices_bench with (force)" >/dev/null 2>&1 || points_err "could not drop database notices_bench"
fi
if wants notifications || wants deliveries; then
  [ -n "${notification_db:-}" ] || {
    notification_db="jdbc:postgresql://${POINTS_DB_HOST:-127.0.0.1}:${POINTS_DB_PORT:-5432}/notification"
    out "## Notifications: e-mails and webhooks (issue #21)"
    out ""
    out "| what | rate | detail |"
    out "|---|---:|---:|"
  }
  curl -s -X POST "http://127.0.0.1:$GREENMAIL_API_PORT/api/mail/purge" >/dev/null || points_err "could not empty GreenMail"
  bench deliveries --earning "http://localhost:${POINTS_PORT[earning-service]}" \
    --notification "http://localhost:${POINTS_PORT[notification-service]}" --kafka "$BOOTSTRAP" --kafka-config "$KAFKA_CONFIG" \
    --members "${BENCH_NOTICE_MEMBERS:-2000}" --credits "${BENCH_NOTICE_CREDITS:-20000}" --db "$notification_db" \
    | while IFS= read -r row; do out "$row"; done
  out ""
fi
if wants notifications; then
  out "| scenario | earnings/s | p50 ms | p90 ms | p99 ms | p99.9 ms | errors |"
  out "|---|---:|---:|---:|---:|---:|---:|"
  lag="$(bench notification-lag --earning "http://localhost:${POINTS_PORT[earning-service]}" --members 1000 --db "$notification_db")"
  out "$(head -n 1 <<<"$lag")"
  out ""
  out "| what | p50 | p99 | max | does it fall behind? |"
  out "|---|---:|---:|---:|---|"
  out "$(tail -n 1 <<<"$lag")"
  out ""
  cpu_table
fi

# A section's table head, then BENCH_EVENTS events written to points.ledger and read back raw (its first rows).
ledger_log_rows() {
  out ""
  out "| what | rate | size |"
  out "|---|---:|---:|"
  bench ledger-log --kafka "$BOOTSTRAP" --kafka-config "$KAFKA_CONFIG" --events "$EVENTS" --members 10000 | while IFS= read -r row; do out "$row"; done
}

if wants rebuild; then
  out "## Ledger: rebuild from offset 0"
  ledger_log_rows
  out "$(bench fold --events 300000 --members 3000)"
  # Every service's consumer folds the same million events; the rebuild is timed once they have
  # all caught up (services stopped for the run are left out), so that they do not share the machine
  # (up to 10 minutes).
  for _ in $(seq 1 120); do
    lag="$("$POINTS_ROOT/deploy/local/kafka-tool.sh" consumer-groups --bootstrap-server "$BOOTSTRAP" \
      --describe --all-groups 2>/dev/null | awk '$2 == "points.ledger" && $6 ~ /^[0-9]+$/ && $7 != "-" {s += $6} END {print s + 0}')"
    [ "$lag" -eq 0 ] && break
    points_log "the services are $lag events behind on points.ledger; waiting before the rebuild"
    sleep 5
  done
  ledger="http://localhost:${POINTS_PORT[ledger-service]}"
  # The first run also pays for compiling the replay's code paths in a JVM that has not run them
  # yet, and C2 goes on compiling for a few more; the figure is the median of the five runs after
  # it, each of which is listed.
  warm=()
  for run in 1 2 3 4 5 6; do
    rebuild="$(curl -s -X POST "$ledger/api/v1/admin/rebuild" -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' --max-time 1800 || true)"
    field() { grep -oE "\"$1\":[0-9.]+" <<<"$rebuild" | cut -d: -f2; }
    if [ -n "$(field eventsPerSecond)" ]; then
      [ "$run" -eq 1 ] || warm+=("$(field eventsPerSecond)")
      out "| ledger rebuild, run $run$([ "$run" -eq 1 ] && echo ' (cold JIT)') (POST /api/v1/admin/rebuild): replay, write $(field accounts) accounts, swap | $(field eventsPerSecond) events/s | $(field eventsReplayed) events in $(field totalSeconds) s (replay and write $(field replaySeconds) s) |"
    else
      out "| ledger rebuild, run $run (POST /api/v1/admin/rebuild) | failed: $rebuild | |"
    fi
  done
  bench ledger-read --kafka "$BOOTSTRAP" --kafka-config "$KAFKA_CONFIG" | while IFS= read -r row; do out "$row"; done
  if [ "${#warm[@]}" -gt 0 ]; then
    out "| **ledger rebuild, median of runs 2-6** | **$(printf '%s\n' "${warm[@]}" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}') events/s** | runs 2-6 |"
  fi
  out ""
fi

if wants replay; then
  out "## Replay (replay-cli): points.ledger into JSON Lines and PostgreSQL"
  ledger_log_rows
  ledger_events="$("$POINTS_LOCAL/kafka-tool.sh" get-offsets --bootstrap-server "$BOOTSTRAP" --topic points.ledger \
    | awk -F: '{s += $3} END {print s + 0}')"
  consumed="$("$POINTS_LOCAL/kafka-tool.sh" consumer-perf-test --bootstrap-server "$BOOTSTRAP" --topic points.ledger \
    --messages "$ledger_events" --timeout 120000 | tail -n 1)"
  out "| kafka-consumer-perf-test, the whole of points.ledger (the raw consumer) | $(cut -d, -f6 <<<"$consumed" | tr -d ' ') records/s | $ledger_events records; $(cut -d, -f10 <<<"$consumed" | tr -d ' ') records/s while fetching (without joining its group) |"
  # replay.sh builds its jar first when it is missing or stale: once, before anything is timed.
  "$POINTS_LOCAL/replay.sh" --help >/dev/null
  replay_rate() { sed -nE 's/.*\(([0-9,]+) events\/s\).*/\1/p' <<<"$1" | tr -d ,; }
  jsonl="$(mktemp --suffix=.jsonl)"
  summary="$("$POINTS_LOCAL/replay.sh" --format jsonl --output "$jsonl" --progress none 2>&1 | grep '^replay-cli: done')"
  out "| replay-cli --format jsonl (a file, $(du -m "$jsonl" | cut -f1) MB), from the beginning to the end | $(replay_rate "$summary") events/s | ${summary#replay-cli: } |"
  rm -f "$jsonl"
  psql "${PG[@]}" -d postgres -qc "drop database if exists replay_bench with (force)" -qc "create database replay_bench"
  summary="$("$POINTS_LOCAL/replay.sh" --format postgres --output "jdbc:postgresql://${POINTS_DB_HOST:-127.0.0.1}:${POINTS_DB_PORT:-5432}/replay_bench" \
    --name bench --progress none 2>&1 | grep '^replay-cli: done')"
  out "| replay-cli --format postgres (an empty analytics schema), from the beginning to the end | $(replay_rate "$summary") events/s | ${summary#replay-cli: } |"
  summary="$("$POINTS_LOCAL/replay.sh" --format postgres --output "jdbc:postgresql://${POINTS_DB_HOST:-127.0.0.1}:${POINTS_DB_PORT:-5432}/replay_bench" \
    --name bench --progress none 2>&1 | grep '^replay-cli: done')"
  out "| replay-cli --format postgres again over the same range (every event there already: nothing changes) | $(replay_rate "$summary") events/s | ${summary#replay-cli: } |"
  # PostgreSQL's own ceiling for the same rows, as the baseline: the fact table's rows written out and
  # copied back (psql \copy, one COPY, no aggregates) into an empty table with its keys and indexes.
  rows_file="$(mktemp --suffix=.tsv)"
  psql "${PG[@]}" -d replay_bench -qc "\copy analytics.events to '$rows_file'" \
    -qc "create table copy_baseline (like analytics.events including all)"
  copy_start="$(date +%s.%N)"
  psql "${PG[@]}" -d replay_bench -qc "\copy copy_baseline from '$rows_file'"
  copy_seconds="$(awk -v s="$copy_start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')"
  copied="$(psql "${PG[@]}" -d replay_bench -Atc "select count(*) from copy_baseline")"
  out "| PostgreSQL baseline: COPY of the same rows into an empty copy of analytics.events (its key and two indexes, no aggregates) | $(awk -v n="$copied" -v t="$copy_seconds" 'BEGIN {printf "%d", n / (t > 0 ? t : 1)}') rows/s | $copied rows in $copy_seconds s |"
  rm -f "$rows_file"
  # An autovacuum worker still on it refuses (force) a moment: try again, and never fail the run for it.
  dropped=false
  for _ in 1 2 3 4 5; do
    if psql "${PG[@]}" -d postgres -qc "drop database if exists replay_bench with (force)" 2>/dev/null; then
      dropped=true
      break
    fi
    sleep 3
  done
  [ "$dropped" = true ] || points_err "could not drop database replay_bench (drop it by hand)"
  out ""
fi

points_log "results: $results"
