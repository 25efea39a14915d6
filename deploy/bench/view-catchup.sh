#!/usr/bin/env bash
# How fast a member view (catalog's or redemption's) catches up with the whole of points.ledger:
#
#   deploy/bench/view-catchup.sh [catalog|redemption]      (catalog by default)
#
# On a running local stack (deploy/local/up.sh) whose log holds events, e.g. after
# `deploy/bench/run.sh earnings`: stops the service, empties its view and its processed_event marks,
# resets its consumer group on points.ledger to the earliest offsets, starts it again, and reports
# the events applied in the BENCH_SECONDS (60) after it is ready, with the CPU the service and every
# PostgreSQL process used over the same window (from /proc/<pid>/stat). Other services should be
# idle meanwhile. Destructive for that view only: it rebuilds itself from the log.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
name="${1:-catalog}"
case "$name" in catalog|redemption) ;; *) echo "usage: $0 [catalog|redemption]" >&2; exit 2 ;; esac
svc="$name-service"
seconds="${BENCH_SECONDS:-60}"
run="${POINTS_RUN_DIR:-$ROOT/deploy/local/.run}"
export PGPASSWORD="${POINTS_DB_PASSWORD:-points}"
psql_view() { psql -h "${POINTS_DB_HOST:-127.0.0.1}" -p "${POINTS_DB_PORT:-5432}" -U "${POINTS_DB_USER:-points}" -d "$name" -qAtc "$1"; }
pid_of() { head -1 "$run/pids/$svc.pid"; }

pid="$(pid_of)"
kill "$pid"
while kill -0 "$pid" 2>/dev/null; do sleep 0.5; done
psql_view "truncate member_account, member_lot, member_hold, processed_event"
"$ROOT/deploy/local/kafka-tool.sh" consumer-groups --bootstrap-server localhost:9092 --group "$svc" \
  --topic points.ledger --reset-offsets --to-earliest --execute >/dev/null
events="$("$ROOT/deploy/local/kafka-tool.sh" get-offsets --bootstrap-server localhost:9092 --topic points.ledger \
  | awk -F: '{ n += $3 } END { print n }')"
"$ROOT/deploy/local/up.sh" >/dev/null
pid="$(pid_of)"

cpu_of() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
postgres_cpu() {
  local total=0 p
  for p in $(pgrep -u postgres postgres); do total=$((total + $(cpu_of "$p"))); done
  echo "$total"
}
applied() { psql_view "select count(*) from processed_event"; }

a0="$(applied)"; c0="$(cpu_of "$pid")"; p0="$(postgres_cpu)"; t0="$(date +%s.%N)"
sleep "$seconds"
a1="$(applied)"; c1="$(cpu_of "$pid")"; p1="$(postgres_cpu)"; t1="$(date +%s.%N)"
python3 - "$name" "$events" "$a0" "$a1" "$c0" "$c1" "$p0" "$p1" "$t0" "$t1" "$(getconf CLK_TCK)" <<'PY'
import sys
name, events = sys.argv[1], int(sys.argv[2])
a0, a1, c0, c1, p0, p1 = (int(x) for x in sys.argv[3:9])
t0, t1, hz = float(sys.argv[9]), float(sys.argv[10]), int(sys.argv[11])
n, dt = a1 - a0, t1 - t0
if n <= 0:
    sys.exit(f"{name}: no events applied in {dt:.0f} s")
print(f"| {name} view catch-up | {n / dt:,.0f} events/s | {n:,} of {events:,} events in {dt:.1f} s"
      f" | {(c1 - c0) / hz / n * 1e6:.0f} us of {name}'s CPU and {(p1 - p0) / hz / n * 1e6:.0f} us of"
      f" PostgreSQL's per event |")
PY
