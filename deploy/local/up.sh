#!/usr/bin/env bash
# Starts the local stack, no containers: PostgreSQL (postgres.sh), a real single-node Kafka 4.1.1
# broker in KRaft mode from Apache Kafka's own jars, the JWT key pair, and the five services.
#
#   deploy/local/up.sh [--infra-only] [--rebuild | --no-build]
#
#   --infra-only   PostgreSQL, Kafka (with the topics) and the keys only; no build, no services
#   --rebuild      build the services even when their jars look up to date
#   --no-build     never build; start the jars as they are
#
# Builds first (./mvnw -B -q package -DskipTests for the services and what they need) when a
# service's target/quarkus-app/quarkus-run.jar is missing or older than its sources. Running it
# again is harmless: what runs already (a pid file naming a live process of ours) is left alone,
# a stale pid file is cleaned. Stop everything with deploy/local/down.sh.
#
# Env: POINTS_PARTITIONS (6), POINTS_DB_HOST (127.0.0.1), POINTS_DB_PORT (5432), POINTS_DB_USER
# (points), POINTS_DB_PASSWORD (points), POINTS_JWT_ISSUER (points-local), POINTS_JWT_AUDIENCE
# (points-platform), KAFKA_HEAP (768m),
# POINTS_SERVICE_HEAP (384m), POINTS_LEDGER_HEAP (2g), POINTS_READY_TIMEOUT (180, seconds for all services to be ready),
# KAFKA_READY_TIMEOUT (120), POINTS_RUN_DIR (deploy/local/.run).
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

PARTITIONS="${POINTS_PARTITIONS:-6}"
[[ "$PARTITIONS" =~ ^[1-9][0-9]*$ ]] || points_die "POINTS_PARTITIONS must be a positive number, not '$PARTITIONS'"
KAFKA_HEAP="${KAFKA_HEAP:-768m}"
SERVICE_HEAP="${POINTS_SERVICE_HEAP:-384m}"
LEDGER_HEAP="${POINTS_LEDGER_HEAP:-2g}"
READY_TIMEOUT="${POINTS_READY_TIMEOUT:-180}"
KAFKA_READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-120}"
export POINTS_DB_HOST="${POINTS_DB_HOST:-127.0.0.1}"
export POINTS_DB_PORT="${POINTS_DB_PORT:-5432}"
export POINTS_DB_USER="${POINTS_DB_USER:-points}"
export POINTS_DB_PASSWORD="${POINTS_DB_PASSWORD:-points}"
JWT_ISSUER="${POINTS_JWT_ISSUER:-points-local}"
JWT_AUDIENCE="${POINTS_JWT_AUDIENCE:-points-platform}"
BOOTSTRAP="localhost:$KAFKA_PORT"

# The topics of shared/CONTRACT.md with their configs. DLQ topics (<topic>.dlq.<service>) are
# auto-created by the broker on first use.
TOPICS=(
  "points.ledger retention.ms=-1"
  "members retention.ms=-1"
  "catalog.rewards cleanup.policy=compact"
  "redemptions retention.ms=-1"
)

phase() { printf '==> %s\n' "$*"; }

# shellcheck source=jdk.sh
. "$POINTS_LOCAL/jdk.sh"
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
  for svc in "${POINTS_SERVICES[@]}"; do
    [ -d "$POINTS_ROOT/$svc" ] || points_die "$svc/ is not in this checkout yet; use --infra-only for PostgreSQL and Kafka alone"
  done
  reason=""
  if [ "$build" = always ]; then
    reason="--rebuild"
  elif [ "$build" = auto ]; then
    for svc in "${POINTS_SERVICES[@]}"; do
      reason="$(stale_reason "$svc")"
      [ -z "$reason" ] || break
    done
  fi
  if [ -n "$reason" ]; then
    phase "building the services ($reason): ./mvnw -B -q package -DskipTests"
    modules="$(IFS=,; echo "${POINTS_SERVICES[*]}")"
    (cd "$POINTS_ROOT" && ./mvnw -B -q package -DskipTests -pl "$modules" -am </dev/null) \
      || points_die "the build failed (see above)"
  fi
  for svc in "${POINTS_SERVICES[@]}"; do
    [ -f "$(jar_of "$svc")" ] || points_die "no $(jar_of "$svc") (build with ./mvnw package -DskipTests)"
  done
fi

# --- PostgreSQL -------------------------------------------------------------------------------

phase "PostgreSQL on $POINTS_DB_HOST:$POINTS_DB_PORT"
"$POINTS_LOCAL/postgres.sh"

# --- Kafka ------------------------------------------------------------------------------------

KAFKA_DIR="$POINTS_RUN/kafka"
KAFKA_DATA="$POINTS_RUN/kafka-data"
KAFKA_CONFIG="$KAFKA_DIR/server.properties"
KAFKA_LOG="$POINTS_RUN/logs/kafka.log"     # the broker's Log4j 2 log
KAFKA_OUT="$POINTS_RUN/logs/kafka.out"     # its stdout and stderr (JVM errors)

write_kafka_config() {
  mkdir -p "$KAFKA_DIR" "$KAFKA_DATA"
  cat >"$KAFKA_CONFIG.tmp" <<EOF
# Written by deploy/local/up.sh at every start; edit up.sh, not this file.
# A single-node KRaft cluster: broker and controller in one process.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=localhost:$KAFKA_CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://localhost:$KAFKA_PORT,CONTROLLER://localhost:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://localhost:$KAFKA_PORT,CONTROLLER://localhost:$KAFKA_CONTROLLER_PORT
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DATA

# One node: every internal topic has one replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
default.replication.factor=1

# Topics made on first use (the DLQs <topic>.dlq.<service>) get the usual partition count.
auto.create.topics.enable=true
num.partitions=$PARTITIONS
# Small local machine: fewer threads, no wait before the first rebalance.
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
group.initial.rebalance.delay.ms=0
EOF
  mv -f "$KAFKA_CONFIG.tmp" "$KAFKA_CONFIG"
}

kafka_admin() {
  KAFKA_TOOL_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" points_kafka_tool "$@"
}

format_kafka_storage() {
  [ -f "$KAFKA_DATA/meta.properties" ] && return 0
  local cluster_id
  if [ -s "$KAFKA_DIR/cluster.id" ]; then
    cluster_id="$(cat "$KAFKA_DIR/cluster.id")"
  else
    cluster_id="$(kafka_admin kafka.tools.StorageTool random-uuid | tail -n 1)"
    [[ "$cluster_id" =~ ^[A-Za-z0-9_-]{22}$ ]] || points_die "StorageTool random-uuid printed '$cluster_id'"
    echo "$cluster_id" >"$KAFKA_DIR/cluster.id"
  fi
  phase "formatting Kafka storage in $KAFKA_DATA (cluster id $cluster_id)"
  # Kafka 4.x: a single-node dynamic KRaft quorum is formatted with --standalone (the config has
  # controller.quorum.bootstrap.servers, not controller.quorum.voters).
  kafka_admin kafka.tools.StorageTool format --cluster-id "$cluster_id" --config "$KAFKA_CONFIG" \
    --standalone --ignore-formatted >"$POINTS_RUN/logs/kafka-format.log" 2>&1 \
    || { points_tail "$POINTS_RUN/logs/kafka-format.log"; points_die "could not format Kafka's storage"; }
}

start_kafka() {
  local pid
  if pid="$(points_running_pid kafka)"; then
    phase "Kafka runs already (pid $pid)"
    return 0
  fi
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if points_port_open "$port"; then
      points_die "port $port is taken by a process that is not this stack's Kafka (see: ss -ltnp 'sport = :$port')"
    fi
  done
  phase "starting Kafka 4.1.1 (KRaft, broker+controller) on $BOOTSTRAP"
  : >"$KAFKA_OUT"
  KAFKA_LOG_START="$(stat -c %s "$KAFKA_LOG" 2>/dev/null || echo 0)"
  (
    cd "$POINTS_RUN"
    exec nohup java --enable-native-access=ALL-UNNAMED "-Xms$KAFKA_HEAP" "-Xmx$KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
      -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
      "-Dlog4j2.configurationFile=$POINTS_KAFKA_LOG4J" "-Dkafka.logs.dir=$POINTS_RUN/logs" \
      -Dkafka.log.file=kafka.log -cp "$POINTS_KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONFIG"
  ) >>"$KAFKA_OUT" 2>&1 </dev/null &
  points_write_pid kafka "$!" "$KAFKA_CONFIG"
}

# What the broker logged since this start (its log file is appended to across starts).
kafka_log_tail() {
  local new
  new="$(tail -c "+$((${KAFKA_LOG_START:-0} + 1))" "$KAFKA_LOG" 2>/dev/null | tail -n 40 || true)"
  if [ -n "$new" ]; then
    echo "----- last lines of $KAFKA_LOG (this start) -----" >&2
    printf '%s\n' "$new" | sed 's/^/  /' >&2
    echo "-----" >&2
  else
    echo "(nothing in $KAFKA_LOG from this start)" >&2
  fi
}

kafka_died() {
  points_tail "$KAFKA_OUT" 20
  kafka_log_tail
  points_die "Kafka stopped during start-up (logs: $KAFKA_LOG, $KAFKA_OUT)"
}

wait_for_kafka() {
  local deadline=$((SECONDS + KAFKA_READY_TIMEOUT)) topics
  until points_port_open "$KAFKA_PORT"; do
    points_running_pid kafka >/dev/null || kafka_died
    [ "$SECONDS" -lt "$deadline" ] || { kafka_log_tail; points_die "Kafka did not open port $KAFKA_PORT within ${KAFKA_READY_TIMEOUT}s"; }
    sleep 0.5
  done
  until topics="$(kafka_admin org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" \
      --list 2>>"$POINTS_RUN/logs/kafka-tools.log")"; do
    points_running_pid kafka >/dev/null || kafka_died
    [ "$SECONDS" -lt "$deadline" ] || { kafka_log_tail; points_die "Kafka does not answer on $BOOTSTRAP within ${KAFKA_READY_TIMEOUT}s"; }
    sleep 1
  done
  EXISTING_TOPICS="$topics"
  phase "Kafka answers on $BOOTSTRAP"
}

create_topics() {
  local entry name config created=()
  for entry in "${TOPICS[@]}"; do
    read -r name config <<<"$entry"
    grep -qxF "$name" <<<"$EXISTING_TOPICS" && continue
    kafka_admin org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --create \
      --if-not-exists --topic "$name" --partitions "$PARTITIONS" --replication-factor 1 \
      --config "$config" >/dev/null 2>>"$POINTS_RUN/logs/kafka-tools.log" \
      || { points_tail "$POINTS_RUN/logs/kafka-tools.log" 20; points_die "could not create topic $name"; }
    created+=("$name")
  done
  if [ "${#created[@]}" -gt 0 ]; then
    phase "created topics: ${created[*]} ($PARTITIONS partitions, replication factor 1)"
  fi
}

# The ledger's history (table entry) holds every event of points.ledger it applied. A log with
# fewer events than that is not the log these databases were built from: another clone's Kafka
# data beside the same databases, or Kafka data purged alone. Verify then reports mismatches and
# a rebuild is refused (409 LOG_INCOMPLETE); say so now.
check_log_against_history() {
  local history logged
  history="$(PGPASSWORD="$POINTS_DB_PASSWORD" PGCONNECT_TIMEOUT=5 psql -X -q -At -w -h "$POINTS_DB_HOST" \
    -p "$POINTS_DB_PORT" -U "$POINTS_DB_USER" -d ledger -c "select count(*) from entry" 2>/dev/null)" || return 0
  [[ "$history" =~ ^[0-9]+$ ]] && [ "$history" -gt 0 ] || return 0
  logged="$(kafka_admin org.apache.kafka.tools.GetOffsetShell --bootstrap-server "$BOOTSTRAP" \
    --topic points.ledger 2>/dev/null | awk -F: '$3 ~ /^[0-9]+$/ {s += $3} END {print s + 0}')"
  if [ "$logged" -lt "$history" ]; then
    phase "WARNING: the ledger database's history holds $history events but points.ledger only $logged:"
    phase "  this Kafka log is not the one the databases were built from (another clone's, or purged alone)."
    phase "  Verify will report mismatches and a rebuild is refused; deploy/local/down.sh --purge starts both anew."
  fi
}

points_ensure_kafka_libs
write_kafka_config
format_kafka_storage
start_kafka
wait_for_kafka
create_topics
check_log_against_history

# --- JWT keys ---------------------------------------------------------------------------------

points_ensure_keys

# --- services ---------------------------------------------------------------------------------

start_service() {
  local svc="$1" port="${POINTS_PORT[$1]}" jar pid log
  jar="$(jar_of "$svc")"
  log="$POINTS_RUN/logs/$svc.log"
  if pid="$(points_running_pid "$svc")"; then
    phase "$svc runs already (pid $pid, port $port)"
    return 0
  fi
  if points_port_open "$port"; then
    points_die "port $port is taken by a process that is not this stack's $svc (see: ss -ltnp 'sport = :$port')"
  fi
  phase "starting $svc on port $port"
  : >"$log"
  (
    cd "$POINTS_RUN"
    export QUARKUS_HTTP_PORT="$port"
    export KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP"
    # Bearer tokens: verified with the local public key (an identity provider's JWKS URL in a real
    # deployment); services that call another sign their own short-lived service tokens.
    export POINTS_JWT_PUBLIC_KEY_LOCATION="file:$POINTS_JWT_PUBLIC_KEY_FILE"
    export POINTS_JWT_PRIVATE_KEY_LOCATION="file:$POINTS_JWT_PRIVATE_KEY_FILE"
    export POINTS_JWT_ISSUER="$JWT_ISSUER"
    export POINTS_JWT_AUDIENCE="$JWT_AUDIENCE"
    heap="$SERVICE_HEAP"
    # The ledger folds accounts in memory when it rebuilds or verifies: at 3.6 M events a rebuild ran
    # 12 % faster with 2g than with 1g (less time copying them in young collections). Its heap is
    # also committed whole from the start (-Xms): a heap G1 shrinks between rebuilds is grown again
    # by the next one, through young collections every half second and concurrent cycles, and that
    # took 1.5-1.9 s of CPU per rebuild of 1 M events against 0.2-0.3 s (docs/benchmarks.md).
    local min_heap=()
    if [ "$svc" = ledger-service ]; then heap="$LEDGER_HEAP"; min_heap=("-Xms$heap"); fi
    exec nohup java "${min_heap[@]}" "-Xmx$heap" -jar "$jar"
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
  pending=("${POINTS_SERVICES[@]}")
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

print_summary() {
  local svc port
  echo
  echo "Kafka      $BOOTSTRAP  (topics: $(for e in "${TOPICS[@]}"; do printf '%s ' "${e%% *}"; done| sed 's/ $//'); log: $KAFKA_LOG)"
  echo "PostgreSQL $POINTS_DB_HOST:$POINTS_DB_PORT  (user $POINTS_DB_USER; databases earning ledger catalog redemption notification)"
  echo "JWT        public key $POINTS_JWT_PUBLIC_KEY_FILE, issuer $JWT_ISSUER; tokens: deploy/local/token.sh ROLE [SUBJECT]"
  if [ "$infra_only" = false ]; then
    echo
    for svc in "${POINTS_SERVICES[@]}"; do
      port="${POINTS_PORT[$svc]}"
      printf '%-21s http://localhost:%s/api/v1\n' "$svc" "$port"
      printf '%-21s   health  http://localhost:%s/q/health/ready\n' "" "$port"
      printf '%-21s   metrics http://localhost:%s/q/metrics\n' "" "$port"
      printf '%-21s   openapi http://localhost:%s/q/openapi\n' "" "$port"
    done
  fi
  echo
  echo "Logs: $POINTS_RUN/logs/   (tail -f $POINTS_RUN/logs/<name>.log)"
  echo "Stop: deploy/local/down.sh"
}

if [ "$infra_only" = false ]; then
  declare -A LAST_STATUS=()
  for svc in "${POINTS_SERVICES[@]}"; do
    start_service "$svc"
  done
  wait_for_services
fi
print_summary
