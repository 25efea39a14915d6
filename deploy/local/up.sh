#!/usr/bin/env bash
# Starts the local stack, no containers: PostgreSQL (postgres.sh), a real single-node Kafka 4.1
# broker in KRaft mode from Apache Kafka's own jars that takes only authenticated clients, with ACLs
# (kafka-up.sh), GreenMail (a real SMTP server for notification-service's e-mail, with a web API to
# read it), the JWT key pair, the five services, each logged in to Kafka as itself, the analysts'
# dashboard (analytics-dashboard, port 8086) and, in the background, the live replay of the log into
# the analytics database that the dashboard reads (deploy/local/replay.sh ... --follow). Prints the
# dashboard's URL with a fresh analyst's token in its fragment.
#
#   deploy/local/up.sh [--infra-only] [--rebuild | --no-build]
#
#   --infra-only   PostgreSQL, Kafka (with the topics, principals and ACLs), GreenMail and the keys only; no
#                  build, no services, no dashboard, no replay
#   --rebuild      build the services even when their jars look up to date
#   --no-build     never build; start the jars as they are
#
# Builds first (./mvnw -B -q package -DskipTests for the services and what they need) when a
# service's target/quarkus-app/quarkus-run.jar is missing or older than its sources. Running it
# again is harmless: what runs already (a pid file naming a live process of ours) is left alone,
# with a warning when its jar was rebuilt after it started (it runs the older build), and a stale
# pid file is cleaned. Stop everything with deploy/local/down.sh.
#
# Env: POINTS_PARTITIONS (6), POINTS_DB_HOST (127.0.0.1), POINTS_DB_PORT (5432), POINTS_DB_USER
# (points), POINTS_DB_PASSWORD (points), POINTS_JWT_ISSUER (points-local), POINTS_JWT_AUDIENCE
# (points-platform), KAFKA_HEAP (768m),
# POINTS_SERVICE_HEAP (384m), POINTS_LEDGER_HEAP (2g), POINTS_SERVICE_GC (-XX:+UseParallelGC: the five
# services' garbage collector), POINTS_SERVICE_JAVA_OPTS (more JVM options for them),
# POINTS_SERVICE_AOT (auto: each service's JVM AOT cache under <run dir>/aot, trained by the first run
# of a new jar and written when it stops; off: none),
# POINTS_DASHBOARD_HEAP (256m), POINTS_DASHBOARD_PORT
# (8086), POINTS_DASHBOARD_TOKEN_TTL (28800, seconds the printed analyst's token lasts), POINTS_ANALYTICS_DB
# (analytics), POINTS_LIVE_REPLAY (on; off: no live replay, e.g. while measuring something else),
# POINTS_READY_TIMEOUT (180, seconds for all services to be ready),
# KAFKA_READY_TIMEOUT (120), POINTS_KAFKA_PORT (9092), POINTS_KAFKA_CONTROLLER_PORT (9093),
# POINTS_SMTP_PORT (3025), POINTS_GREENMAIL_API_PORT (8090), POINTS_RUN_DIR (deploy/local/.run),
# POINTS_EARNING_PORT … POINTS_NOTIFICATION_PORT (8081 … 8085). Settings for the services beyond
# their application.properties: deploy/local/services.env.
set -euo pipefail
POINTS_SCRIPT=up.sh
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

infra_only=false
build=auto
for arg in "$@"; do
  case "$arg" in
    --infra-only) infra_only=true ;;
    --rebuild) build=always ;;
    --no-build) build=never ;;
    -h|--help) points_usage "$0"; exit 0 ;;
    *) points_die "unknown argument: $arg (try --help)" ;;
  esac
done

SERVICE_HEAP="${POINTS_SERVICE_HEAP:-384m}"
LEDGER_HEAP="${POINTS_LEDGER_HEAP:-2g}"
DASHBOARD_HEAP="${POINTS_DASHBOARD_HEAP:-256m}"
DASHBOARD_TOKEN_TTL="${POINTS_DASHBOARD_TOKEN_TTL:-28800}"
READY_TIMEOUT="${POINTS_READY_TIMEOUT:-180}"
export POINTS_DB_HOST="${POINTS_DB_HOST:-127.0.0.1}"
export POINTS_DB_PORT="${POINTS_DB_PORT:-5432}"
export POINTS_DB_USER="${POINTS_DB_USER:-points}"
export POINTS_DB_PASSWORD="${POINTS_DB_PASSWORD:-points}"
JWT_ISSUER="${POINTS_JWT_ISSUER:-points-local}"
JWT_AUDIENCE="${POINTS_JWT_AUDIENCE:-points-platform}"
BOOTSTRAP="localhost:$KAFKA_PORT"

phase() { printf '==> %s\n' "$*"; }

# shellcheck source=jdk.sh
. "$POINTS_LOCAL/jdk.sh"
JAVA_MAJOR="$(_points_java_major "$JAVA_HOME")"
mkdir -p "$POINTS_RUN/logs" "$POINTS_RUN/pids"

# --- build ------------------------------------------------------------------------------------

jar_of() { echo "$POINTS_ROOT/$1/target/quarkus-app/quarkus-run.jar"; }

# Why a service needs a build (nothing when its jar is newer than every source it is made of).
stale_reason() {
  local svc="$1" jar newer dir
  jar="$(jar_of "$svc")"
  [ -d "$POINTS_ROOT/$svc" ] || { echo "$svc/ does not exist"; return 0; }
  [ -f "$jar" ] || { echo "$svc has no $svc/target/quarkus-app/quarkus-run.jar"; return 0; }
  for dir in "$svc" points-events service-kit; do
    [ -d "$POINTS_ROOT/$dir" ] || continue
    newer="$(find "$POINTS_ROOT/$dir/pom.xml" "$POINTS_ROOT/$dir/src/main" -newer "$jar" -type f \
      -print -quit 2>/dev/null || true)"
    if [ -n "$newer" ]; then echo "${newer#"$POINTS_ROOT"/} is newer than $svc's jar"; return 0; fi
  done
  if [ "$POINTS_ROOT/pom.xml" -nt "$jar" ]; then echo "pom.xml is newer than $svc's jar"; fi
}

if [ "$infra_only" = false ]; then
  for svc in "${POINTS_APPS[@]}"; do
    [ -d "$POINTS_ROOT/$svc" ] || points_die "$svc/ is not in this checkout yet; use --infra-only for PostgreSQL and Kafka alone"
  done
  reason=""
  if [ "$build" = always ]; then
    reason="--rebuild"
  elif [ "$build" = auto ]; then
    for svc in "${POINTS_APPS[@]}"; do
      reason="$(stale_reason "$svc")"
      [ -z "$reason" ] || break
    done
  fi
  if [ -n "$reason" ]; then
    phase "building the services and the dashboard ($reason): ./mvnw -B -q package -DskipTests"
    modules="$(IFS=,; echo "${POINTS_APPS[*]}")"
    (cd "$POINTS_ROOT" && ./mvnw -B -q package -DskipTests -pl "$modules" -am </dev/null) \
      || points_die "the build failed (see above)"
  fi
  for svc in "${POINTS_APPS[@]}"; do
    [ -f "$(jar_of "$svc")" ] || points_die "no $(jar_of "$svc") (build with ./mvnw package -DskipTests)"
  done
fi

# --- PostgreSQL -------------------------------------------------------------------------------

phase "PostgreSQL on $POINTS_DB_HOST:$POINTS_DB_PORT"
"$POINTS_LOCAL/postgres.sh"

psql_points() {
  PGPASSWORD="$POINTS_DB_PASSWORD" PGCONNECT_TIMEOUT=5 psql -X -q -At -w -h "$POINTS_DB_HOST" -p "$POINTS_DB_PORT" \
    -U "$POINTS_DB_USER" "$@"
}

# The analytics side's own database (the replay writes it, the dashboard reads it). postgres.sh makes
# it with the others; a postgres.sh from before the analysts' tools does not, so make it here then.
if [ "$(psql_points -d postgres -c "select count(*) from pg_database where datname = '$POINTS_ANALYTICS_DB'" 2>/dev/null)" = 0 ]; then
  phase "creating database $POINTS_ANALYTICS_DB (the analytics side's)"
  psql_points -d postgres -c "create database $POINTS_ANALYTICS_DB" >/dev/null \
    || points_die "could not create database $POINTS_ANALYTICS_DB as $POINTS_DB_USER"
fi

# --- Kafka ------------------------------------------------------------------------------------

# The broker, its topics, principals and ACLs (kafka/contract.conf): kafka-up.sh, which a test
# runs too, with its own run directory and ports.
"$POINTS_LOCAL/kafka-up.sh" || points_die "Kafka did not start (see above)"

kafka_admin() {
  KAFKA_TOOL_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" points_kafka_tool "$@"
}

# The ledger's history (table entry) holds every event of points.ledger it applied. A log with
# fewer events than that is not the log these databases were built from: another clone's Kafka
# data beside the same databases, or Kafka data purged alone. Verify then reports mismatches and
# a rebuild is refused (409 LOG_INCOMPLETE); say so now.
check_log_against_history() {
  local history logged
  history="$(psql_points -d ledger -c "select count(*) from entry" 2>/dev/null)" || return 0
  [[ "$history" =~ ^[0-9]+$ ]] && [ "$history" -gt 0 ] || return 0
  logged="$(kafka_admin org.apache.kafka.tools.GetOffsetShell --bootstrap-server "$BOOTSTRAP" \
    --command-config "$(points_kafka_client_properties operator)" --topic points.ledger 2>/dev/null | awk -F: '$3 ~ /^[0-9]+$/ {s += $3} END {print s + 0}')"
  if [ "$logged" -lt "$history" ]; then
    phase "WARNING: the ledger database's history holds $history events but points.ledger only $logged:"
    phase "  this Kafka log is not the one the databases were built from (another clone's, or purged alone)."
    phase "  Verify will report mismatches and a rebuild is refused; deploy/local/down.sh --purge starts both anew."
  fi
}

check_log_against_history

# --- GreenMail --------------------------------------------------------------------------------

# A real SMTP server for notification-service's e-mail (GreenMail standalone from Maven Central):
# SMTP on 127.0.0.1:$SMTP_PORT, any login accepted, and its web API on 127.0.0.1:$GREENMAIL_API_PORT
# to read what arrived (GET /api/user/<address>/messages/). Mail lives in its memory only: about
# 20 000 of the platform's e-mails filled 128 MB, so the heap is POINTS_GREENMAIL_HEAP (768m, over
# 100 000 e-mails; `curl -X POST localhost:$GREENMAIL_API_PORT/api/mail/purge` empties it). Were it to
# fill up anyway, it exits (and the e-mails are retried, then marked failed) rather than hang every
# SMTP session until notification-service's send timeout.
start_greenmail() {
  local pid log="$POINTS_RUN/logs/greenmail.log" waited=0
  if pid="$(points_running_pid greenmail)"; then
    phase "GreenMail runs already (pid $pid, SMTP $SMTP_PORT, web $GREENMAIL_API_PORT)"
    return 0
  fi
  for port in "$SMTP_PORT" "$GREENMAIL_API_PORT"; do
    if points_port_open "$port"; then
      points_die "port $port is taken by a process that is not this stack's GreenMail (see: ss -ltnp 'sport = :$port')"
    fi
  done
  points_ensure_greenmail_libs
  phase "starting GreenMail (SMTP 127.0.0.1:$SMTP_PORT, web API 127.0.0.1:$GREENMAIL_API_PORT)"
  mkdir -p "$POINTS_RUN/logs"
  : >"$log"
  (
    cd "$POINTS_RUN"
    exec nohup java "-Xmx${POINTS_GREENMAIL_HEAP:-768m}" -XX:+ExitOnOutOfMemoryError \
      -XX:+UseSerialGC -Dgreenmail.auth.disabled \
      -Dgreenmail.smtp.hostname=127.0.0.1 "-Dgreenmail.smtp.port=$SMTP_PORT" \
      -Dgreenmail.api.hostname=127.0.0.1 "-Dgreenmail.api.port=$GREENMAIL_API_PORT" \
      -cp "$POINTS_GREENMAIL_LIBS/*" com.icegreen.greenmail.standalone.GreenMailStandaloneRunner
  ) >>"$log" 2>&1 </dev/null &
  points_write_pid greenmail "$!" "$POINTS_GREENMAIL_LIBS"
  until points_port_open "$SMTP_PORT" && points_port_open "$GREENMAIL_API_PORT"; do
    points_running_pid greenmail >/dev/null || { points_tail "$log" 40; points_die "GreenMail stopped during start-up (log: $log)"; }
    [ "$waited" -lt 60 ] || { points_tail "$log" 40; points_die "GreenMail is not listening after 30s (log: $log)"; }
    sleep 0.5
    waited=$((waited + 1))
  done
}

start_greenmail

# --- JWT keys and the webhook secret key ------------------------------------------------------

points_ensure_keys
points_ensure_webhook_key

# --- services ---------------------------------------------------------------------------------

# The JVM's AOT cache (JDK 25: JEP 483, 514, 515) for a service, as one java option (none when off):
# the classes it loaded and linked and the methods' profiles from an earlier run of the same jar, so
# that it starts in less than half the time (docs/benchmarks.md, 2026-12-05 midday). A run without a
# cache for the jar trains one: -XX:AOTCacheOutput, written when the service stops (down.sh waits
# for it); the stamp beside it names the jar it was made from (its mtime), so a rebuilt jar trains
# anew. The services are packaged as aot-jar (application.properties), whose classes the JVM can
# cache. POINTS_SERVICE_AOT=off: neither.
aot_options() {
  local svc="$1" jar="$2" dir="$POINTS_RUN/aot" stamp
  if [ "${POINTS_SERVICE_AOT:-auto}" = off ] || [ "$JAVA_MAJOR" -lt 25 ]; then return 0; fi
  mkdir -p "$dir"
  stamp="$(stat -c %Y "$jar")"
  if [ -s "$dir/$svc.aot" ] && [ "$(cat "$dir/$svc.aot.stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "-XX:AOTCache=$dir/$svc.aot"
  else
    rm -f "$dir/$svc.aot" "$dir/$svc.aot.stamp"
    echo "$stamp" >"$dir/$svc.training"
    echo "-XX:AOTCacheOutput=$dir/$svc.aot"
  fi
}

start_service() {
  local svc="$1" port="${POINTS_PORT[$1]}" jar pid log
  jar="$(jar_of "$svc")"
  log="$POINTS_RUN/logs/$svc.log"
  if pid="$(points_running_pid "$svc")"; then
    phase "$svc runs already (pid $pid, port $port)"
    # Left alone, so a build made since it started (by this run or by hand) is not what it runs: say so.
    local started
    started=$(( $(date +%s) - $(ps -o etimes= -p "$pid" 2>/dev/null || echo 0) ))
    if [ -f "$jar" ] && [ "$(stat -c %Y "$jar")" -gt "$started" ]; then
      echo "    it runs an older build: its jar was rebuilt after it started. To run the new one:" \
           "deploy/local/down.sh && deploy/local/up.sh" >&2
    fi
    return 0
  fi
  if points_port_open "$port"; then
    points_die "port $port is taken by a process that is not this stack's $svc (see: ss -ltnp 'sport = :$port')"
  fi
  phase "starting $svc on port $port"
  : >"$log"
  local aot=""
  # Decided here, not in the subshell below: its pid is the service's from the start.
  [ "$svc" = "$POINTS_DASHBOARD" ] || aot="$(aot_options "$svc" "$jar")"
  (
    cd "$POINTS_RUN"
    export QUARKUS_HTTP_PORT="$port"
    export POINTS_JWT_PUBLIC_KEY_LOCATION="file:$POINTS_JWT_PUBLIC_KEY_FILE"
    export POINTS_JWT_ISSUER="$JWT_ISSUER"
    export POINTS_JWT_AUDIENCE="$JWT_AUDIENCE"
    if [ "$svc" = "$POINTS_DASHBOARD" ]; then
      # The dashboard reads the analytics database only; it logs in to no broker and calls no service.
      export POINTS_ANALYTICS_DB
      exec nohup java "-Xmx$DASHBOARD_HEAP" -jar "$jar"
    fi
    export KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP"
    # Logged in to Kafka as itself (application.properties maps these to kafka.security.protocol,
    # kafka.sasl.mechanism and kafka.sasl.jaas.config); the ACLs of kafka/contract.conf apply.
    export KAFKA_SECURITY_PROTOCOL="$POINTS_KAFKA_SECURITY_PROTOCOL"
    export KAFKA_SASL_MECHANISM="$POINTS_KAFKA_SASL_MECHANISM"
    KAFKA_SASL_JAAS_CONFIG="$(points_kafka_jaas_config "$svc")" || points_die "no Kafka password for $svc in $POINTS_KAFKA_PASSWORDS"
    export KAFKA_SASL_JAAS_CONFIG
    # Bearer tokens: verified with the local public key (an identity provider's JWKS URL in a real
    # deployment, set above). Only the services that call another (earning → ledger; redemption →
    # ledger and catalog) get the private key, to sign their own short-lived service tokens: it signs
    # every token of the local stack, so a service that calls no other is not given it.
    case "$svc" in
      earning-service|redemption-service) export POINTS_JWT_PRIVATE_KEY_LOCATION="file:$POINTS_JWT_PRIVATE_KEY_FILE" ;;
      *) unset POINTS_JWT_PRIVATE_KEY_LOCATION ;;
    esac
    if [ "$svc" = notification-service ]; then
      # Seals webhook secrets at rest; receivers on this machine (127.0.0.1) are allowed locally only.
      POINTS_WEBHOOKS_SECRET_KEY="$(cat "$POINTS_WEBHOOKS_SECRET_KEY_FILE")"
      export POINTS_WEBHOOKS_SECRET_KEY
      export POINTS_WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true
      # Its public address, for the one-click unsubscribe links of marketing e-mails.
      export POINTS_PUBLIC_URL="http://localhost:${POINTS_PORT[notification-service]}"
    fi
    # notification-service mails through the local GreenMail.
    export POINTS_SMTP_HOST=127.0.0.1
    export POINTS_SMTP_PORT="$SMTP_PORT"
    # --- demo (issue #22): where the others are when the ports are not the defaults, and the
    # settings of deploy/local/services.env (a last expiry-reminder window of one minute, so that
    # deploy/local/demo.sh can make points really expire; that file says why).
    export LEDGER_URL="http://localhost:${POINTS_PORT[ledger-service]}"
    export CATALOG_URL="http://localhost:${POINTS_PORT[catalog-service]}"
    set -a; . "$POINTS_LOCAL/services.env"; set +a
    # --- end demo
    heap="$SERVICE_HEAP"
    # The ledger folds accounts in memory when it rebuilds or verifies: at 3.6 M events a rebuild ran
    # 12 % faster with 2g than with 1g (less time copying them in young collections). Its heap is
    # also committed whole from the start (-Xms): a heap G1 shrinks between rebuilds is grown again
    # by the next one, through young collections every half second and concurrent cycles, and that
    # took 1.5-1.9 s of CPU per rebuild of 1 M events against 0.2-0.3 s (docs/benchmarks.md).
    local min_heap=()
    if [ "$svc" = ledger-service ]; then heap="$LEDGER_HEAP"; min_heap=("-Xms$heap"); fi
    # ParallelGC (POINTS_SERVICE_GC): on two cores shared by five JVMs, Kafka and PostgreSQL, the
    # services served 7 % more orders with a lower p99 than under G1 (docs/benchmarks.md, 2026-12-04
    # night); young pauses stay a few ms. MetaspaceSize above what a service loads (60-90 MB), so
    # that start-up makes no full collections for it. POINTS_SERVICE_JAVA_OPTS comes last.
    # shellcheck disable=SC2086 # several options in one variable, split on purpose
    exec nohup java "${min_heap[@]}" "-Xmx$heap" ${POINTS_SERVICE_GC:--XX:+UseParallelGC} -XX:MetaspaceSize=160m \
      ${aot:+"$aot"} ${POINTS_SERVICE_JAVA_OPTS:-} -jar "$jar"
  ) >>"$log" 2>&1 </dev/null &
  points_write_pid "$svc" "$!" "$jar"
}

service_died() {
  local svc="$1"
  points_tail "$POINTS_RUN/logs/$svc.log" 60
  points_die "$svc stopped during start-up (log: $POINTS_RUN/logs/$svc.log); the others still run: deploy/local/down.sh stops them"
}

wait_for_services() {
  local deadline=$((SECONDS + READY_TIMEOUT)) pending svc status
  pending=("${POINTS_APPS[@]}")
  while [ "${#pending[@]}" -gt 0 ]; do
    local still=()
    for svc in "${pending[@]}"; do
      points_running_pid "$svc" >/dev/null || service_died "$svc"
      status="$(points_http_status "${POINTS_PORT[$svc]}" /q/health/ready)"
      if [ "$status" = 200 ]; then
        phase "$svc is ready"
      else
        still+=("$svc")
        LAST_STATUS[$svc]="$status"
      fi
    done
    pending=("${still[@]}")
    [ "${#pending[@]}" -gt 0 ] || break
    if [ "$SECONDS" -ge "$deadline" ]; then
      for svc in "${pending[@]}"; do
        points_err "$svc is not ready after ${READY_TIMEOUT}s (last /q/health/ready status: ${LAST_STATUS[$svc]:-none})"
        points_tail "$POINTS_RUN/logs/$svc.log" 40
      done
      points_die "not ready: ${pending[*]} (logs under $POINTS_RUN/logs; deploy/local/down.sh stops everything)"
    fi
    sleep 2
  done
}

# The live replay: the log into the analytics database, from where the last run stopped (its offsets
# are saved with the rows, under the name "dashboard"), following it until down.sh, started again
# after a failure. Its own process group (setsid), so down.sh stops the loop, replay.sh and the JVM
# it runs together.
start_replay() {
  local pid log="$POINTS_RUN/logs/$POINTS_REPLAY.log" args
  if [ "${POINTS_LIVE_REPLAY:-on}" = off ]; then
    phase "the live replay is off (POINTS_LIVE_REPLAY=off): the dashboard shows what the analytics database holds"
    return 0
  fi
  if [ ! -x "$POINTS_LOCAL/replay.sh" ]; then
    phase "the live replay is not available: deploy/local/replay.sh is not in this checkout (the dashboard shows no events)"
    return 0
  fi
  if pid="$(points_running_pid "$POINTS_REPLAY")"; then
    phase "the live replay runs already (pid $pid, log $log)"
    return 0
  fi
  args=(--topics "points.ledger,members,catalog.rewards,redemptions" --from saved --follow --format postgres
    --output "jdbc:postgresql://$POINTS_DB_HOST:$POINTS_DB_PORT/$POINTS_ANALYTICS_DB" --name dashboard)
  # The broker default of replay.sh is the local stack's; another is said. The database's user and
  # password go by the environment (POINTS_DB_USER, POINTS_DB_PASSWORD), not on a command line ps shows.
  [ "$KAFKA_PORT" = 9092 ] || args+=(--bootstrap-servers "$BOOTSTRAP")
  export POINTS_DB_USER POINTS_DB_PASSWORD
  : >"$log"
  # Built now (replay.sh builds its jar when missing or stale), not by the loop below after up.sh
  # has said the replay runs, and not again every 10 s when the build fails.
  if ! "$POINTS_LOCAL/replay.sh" --help >/dev/null 2>>"$log"; then
    phase "the live replay is not started: replay-cli did not build (see $log); the dashboard shows no new events"
    return 0
  fi
  phase "starting the live replay into $POINTS_ANALYTICS_DB (log $log)"
  # Started again 10 s after a failure (PostgreSQL restarted, the broker away: exit 1), from where it
  # stopped (--from saved); not after it ends on its own (0) or refuses its options (2). down.sh
  # stops the loop with the replay (one process group).
  (cd "$POINTS_ROOT" && exec setsid nohup bash -c '
      while :; do
        "$0" "$@" && exit 0
        status=$?
        [ "$status" -eq 2 ] && exit 2
        echo "replay-cli: exited with status $status at $(date -u +%FT%TZ); starting again in 10 s"
        sleep 10
      done' "$POINTS_LOCAL/replay.sh" "${args[@]}") >>"$log" 2>&1 </dev/null &
  points_write_pid "$POINTS_REPLAY" "$!" "--name dashboard"
}

print_summary() {
  local svc port
  echo
  echo "Kafka      $BOOTSTRAP  (SASL/SCRAM; topics: $(awk '$1 == "topic" { printf "%s%s", sep, $2; sep = " " }' "$POINTS_KAFKA_CONTRACT"); log: $POINTS_RUN/logs/kafka.log)"
  echo "           operator's client properties: $(points_kafka_client_properties operator); tools: deploy/local/kafka-tool.sh"
  echo "PostgreSQL $POINTS_DB_HOST:$POINTS_DB_PORT  (user $POINTS_DB_USER; databases earning ledger catalog redemption notification $POINTS_ANALYTICS_DB)"
  echo "JWT        public key $POINTS_JWT_PUBLIC_KEY_FILE, issuer $JWT_ISSUER; tokens: deploy/local/token.sh ROLE [SUBJECT]"
  echo "GreenMail  SMTP 127.0.0.1:$SMTP_PORT (any login); web http://localhost:$GREENMAIL_API_PORT/ (mail of an address:"
  echo "           http://localhost:$GREENMAIL_API_PORT/api/user/<address>/messages/; log: $POINTS_RUN/logs/greenmail.log)"
  if [ "$infra_only" = false ]; then
    echo
    for svc in "${POINTS_SERVICES[@]}"; do
      port="${POINTS_PORT[$svc]}"
      printf '%-21s http://localhost:%s/api/v1\n' "$svc" "$port"
      printf '%-21s   health  http://localhost:%s/q/health/ready\n' "" "$port"
      printf '%-21s   metrics http://localhost:%s/q/metrics\n' "" "$port"
      printf '%-21s   openapi http://localhost:%s/q/openapi\n' "" "$port"
    done
    port="${POINTS_PORT[$POINTS_DASHBOARD]}"
    echo
    printf '%-21s http://localhost:%s/api/v1/analytics  (openapi http://localhost:%s/q/openapi)\n' "$POINTS_DASHBOARD" "$port" "$port"
    if points_running_pid "$POINTS_REPLAY" >/dev/null; then
      echo "Live replay           into database $POINTS_ANALYTICS_DB (log: $POINTS_RUN/logs/$POINTS_REPLAY.log)"
    else
      echo "Live replay           not running (deploy/local/replay.sh missing or stopped): the dashboard shows no new events"
    fi
    echo
    # A working day's token, so a dashboard left open keeps going; the page says when it has expired.
    echo "Dashboard (an analyst's token in the fragment, valid $((DASHBOARD_TOKEN_TTL / 3600)) h; a new one: deploy/local/token.sh analyst):"
    echo "  http://localhost:$port/#token=$(TOKEN_TTL_SECONDS="$DASHBOARD_TOKEN_TTL" "$POINTS_LOCAL/token.sh" analyst)"
  fi
  echo
  echo "Logs: $POINTS_RUN/logs/   (tail -f $POINTS_RUN/logs/<name>.log)"
  echo "Stop: deploy/local/down.sh"
}

if [ "$infra_only" = false ]; then
  declare -A LAST_STATUS=()
  for svc in "${POINTS_APPS[@]}"; do
    start_service "$svc"
  done
  wait_for_services
  start_replay
fi
print_summary
