#!/usr/bin/env bash
# Stops what up.sh started, by pid file: the live replay first (it commits where it stopped), then the
# five services and the dashboard, then GreenMail, then Kafka. Each gets SIGTERM
# (a clean shutdown), then SIGKILL after a timeout. A pid file whose process is gone, or is no
# longer ours (the pid was reused), is only removed. Safe when nothing runs.
#
#   deploy/local/down.sh [--with-postgres] [--purge]
#
#   --with-postgres  also stop the PostgreSQL cluster(s) that postgres.sh itself started (listed in
#                    <run dir>/postgres.started); a cluster that was running before is never stopped.
#                    Without it, PostgreSQL is left running.
#   --purge          also delete Kafka's data (topics, offsets), the logs, the five services' databases
#                    and analytics (the log and the databases are one state: a new broker beside old
#                    databases would make verify report every old account); the JWT keys and
#                    Kafka's jars stay, and up.sh makes empty databases again
#
# Env: POINTS_STOP_TIMEOUT (30 seconds per service), POINTS_AOT_STOP_TIMEOUT (300, instead when a
# service writes its AOT cache as it stops: see up.sh), KAFKA_STOP_TIMEOUT (60), POINTS_RUN_DIR.
set -euo pipefail
POINTS_SCRIPT=down.sh
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

with_postgres=false
purge=false
for arg in "$@"; do
  case "$arg" in
    --with-postgres) with_postgres=true ;;
    --purge) purge=true ;;
    -h|--help) points_usage "$0"; exit 0 ;;
    *) points_die "unknown argument: $arg (try --help)" ;;
  esac
done
SERVICE_TIMEOUT="${POINTS_STOP_TIMEOUT:-30}"
KAFKA_TIMEOUT="${KAFKA_STOP_TIMEOUT:-60}"

# Stops the named processes together: SIGTERM to all, wait up to timeout, SIGKILL what is left. A
# process that leads its own process group (the live replay, started with setsid: replay.sh and its
# JVM) is signalled with its group.
stop_all() {
  local timeout="$1" name pid deadline left
  shift
  declare -A pids=() groups=()
  for name in "$@"; do
    if pid="$(points_running_pid "$name")"; then
      echo "stopping $name (pid $pid)"
      STOPPED=$((STOPPED + 1))
      if [ "$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')" = "$pid" ]; then
        groups[$name]="-$pid"
      fi
      kill -TERM -- "${groups[$name]:-$pid}" 2>/dev/null || true
      pids[$name]="$pid"
    fi
  done
  deadline=$((SECONDS + timeout))
  while :; do
    left=()
    for name in "${!pids[@]}"; do
      # A group is waited for whole: the live replay's leader (its restart loop) ends at once on
      # SIGTERM, its JVM only once the batch being written is committed.
      if kill -0 -- "${groups[$name]:-${pids[$name]}}" 2>/dev/null; then left+=("$name"); fi
    done
    [ "${#left[@]}" -gt 0 ] || break
    if [ "$SECONDS" -ge "$deadline" ]; then
      for name in "${left[@]}"; do
        echo "$name did not stop within ${timeout}s: SIGKILL (pid ${pids[$name]})"
        KILLED+=("$name")
        kill -KILL -- "${groups[$name]:-${pids[$name]}}" 2>/dev/null || true
      done
      sleep 0.5
      break
    fi
    sleep 0.3
  done
  for name in "$@"; do rm -f "$POINTS_RUN/pids/$name.pid"; done
}

# A service that ran without an AOT cache for its jar writes one as it stops (up.sh, aot_options):
# its JVM then assembles the cache in a child JVM before it exits, about 20 s for one service and
# a minute or two for five at once on two cores, so the services get longer to stop. A cache is
# kept (its stamp names the jar) only when its service stopped on its own; one SIGKILLed may be
# partial, and is deleted (the JVM would refuse it, and the next run trains again).
AOT_DIR="$POINTS_RUN/aot"
AOT_TIMEOUT="${POINTS_AOT_STOP_TIMEOUT:-300}"
apps_timeout="$SERVICE_TIMEOUT"
if compgen -G "$AOT_DIR/*.training" >/dev/null; then
  echo "writing the services' AOT caches as they stop (once after a build; POINTS_SERVICE_AOT=off for none)"
  [ "$AOT_TIMEOUT" -le "$apps_timeout" ] || apps_timeout="$AOT_TIMEOUT"
fi

keep_trained_caches() {
  local marker svc
  for marker in "$AOT_DIR"/*.training; do
    [ -e "$marker" ] || continue
    svc="$(basename "$marker" .training)"
    if points_running_pid "$svc" >/dev/null; then continue; fi
    rm -f "$AOT_DIR/$svc.aot.config"   # the JVM's own temporary file, left if it was stopped mid-way
    if [[ " ${KILLED[*]} " == *" $svc "* ]] || [ ! -s "$AOT_DIR/$svc.aot" ]; then
      rm -f "$AOT_DIR/$svc.aot" "$marker"
    else
      mv "$marker" "$AOT_DIR/$svc.aot.stamp"
    fi
  done
}

STOPPED=0
KILLED=()
if [ -d "$POINTS_RUN/pids" ]; then
  stop_all "$SERVICE_TIMEOUT" "$POINTS_REPLAY"
  stop_all "$apps_timeout" "${POINTS_APPS[@]}"
  keep_trained_caches
  stop_all "$SERVICE_TIMEOUT" greenmail
  stop_all "$KAFKA_TIMEOUT" kafka
  # Anything else someone left there (an older layout, a renamed service): ours only.
  for file in "$POINTS_RUN/pids"/*.pid; do
    [ -e "$file" ] || continue
    name="$(basename "$file" .pid)"
    stop_all "$SERVICE_TIMEOUT" "$name"
  done
fi

[ "$STOPPED" -gt 0 ] || echo "nothing of the local stack was running"

if [ "$purge" = true ]; then
  # The databases first, Kafka's data only once they are gone: the log and the databases are one
  # state, and a purge half done (PostgreSQL not running) must not leave a new log beside old rows.
  "$POINTS_LOCAL/postgres.sh" >/dev/null || points_die "--purge: PostgreSQL is not running and could not be"\
" started (deploy/local/postgres.sh); nothing was deleted"
  # "with (force)" ends the sessions still open, but a role that is not a superuser may not end
  # an autovacuum worker, as PostgreSQL runs one after a busy run (a benchmark's): then the
  # database stayed, and the next "fresh" stack found its rows beside an empty Kafka. A plain drop
  # stops autovacuum workers itself, so it is tried next, a few times.
  drop_database() {
    local db="$1" how attempt
    for attempt in 1 2 3 4 5 6; do
      how="$([ "$attempt" -eq 1 ] && echo " with (force)" || true)"
      if PGPASSWORD="${POINTS_DB_PASSWORD:-points}" PGCONNECT_TIMEOUT=5 psql -X -q -At -w \
          -h "${POINTS_DB_HOST:-127.0.0.1}" -p "${POINTS_DB_PORT:-5432}" -U "${POINTS_DB_USER:-points}" -d postgres \
          -c "drop database if exists $db$how" >/dev/null 2>&1; then
        return 0
      fi
      [ "$attempt" -eq 1 ] || sleep 1
    done
    return 1
  }
  undropped=()
  for db in earning ledger catalog redemption notification "$POINTS_ANALYTICS_DB"; do
    if drop_database "$db"; then
      echo "dropped database $db"
    else
      points_err "could not drop database $db (still in use?)"
      undropped+=("$db")
    fi
  done
  if [ "${#undropped[@]}" -gt 0 ]; then
    points_die "--purge: ${undropped[*]} not dropped, so Kafka's data under $POINTS_RUN is kept; run down.sh --purge again"
  fi
  echo "deleting Kafka's data and the logs under $POINTS_RUN"
  rm -rf "$POINTS_RUN/kafka-data" "$POINTS_RUN/kafka" "$POINTS_RUN/logs"
fi

if [ "$with_postgres" = true ] && [ -s "$POINTS_RUN/postgres.started" ]; then
  while read -r version name; do
    if [ -z "${version:-}" ] || [ -z "${name:-}" ]; then continue; fi
    echo "stopping PostgreSQL cluster $version/$name (started by postgres.sh)"
    if [ "$(id -u)" -eq 0 ]; then
      pg_ctlcluster "$version" "$name" stop || points_err "could not stop cluster $version/$name"
    else
      sudo -n pg_ctlcluster "$version" "$name" stop || points_err "could not stop cluster $version/$name"
    fi
  done <"$POINTS_RUN/postgres.started"
  rm -f "$POINTS_RUN/postgres.started"
fi

