#!/usr/bin/env bash
# Starts the local stack's Kafka broker and makes it what kafka/contract.conf says: a single-node
# Kafka 4.1 cluster in KRaft mode (broker and controller in one JVM) from Apache Kafka's own jars,
# clients authenticated with SASL/SCRAM-SHA-512 over SASL_PLAINTEXT on loopback, Kafka's
# StandardAuthorizer with allow.everyone.if.no.acl.found=false, the contract's topics and exactly its
# ACLs. up.sh runs it; a test runs it with its own run directory and ports. Usage:
#
#   deploy/local/kafka-up.sh
#
# Principals: broker (the broker to itself and to its controller) and operator (people and tools)
# are super users; every service named in kafka/contract.conf is one principal with the ACLs it
# grants. Their passwords are generated once into <run dir>/kafka/passwords; the client properties
# of each are written to <run dir>/kafka/<principal>.properties (Java clients and Kafka's tools) and
# <principal>.librdkafka.properties (kcat and other librdkafka clients). The SCRAM credentials of
# broker and operator are written at storage format time (they must exist before the broker can
# be asked anything); kafka/KafkaAccess.java adds the services' and sets the ACLs at every start.
# Running it again is harmless: a broker of ours that runs already is left alone, and the topics,
# credentials and ACLs are brought to the contract again.
#
# Env: POINTS_PARTITIONS (6), KAFKA_HEAP (768m), KAFKA_READY_TIMEOUT (120, seconds),
# POINTS_KAFKA_PORT (9092), POINTS_KAFKA_CONTROLLER_PORT (9093), POINTS_RUN_DIR (deploy/local/.run).
set -euo pipefail
POINTS_SCRIPT="${POINTS_SCRIPT:-kafka-up.sh}"
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case "${1:-}" in
  "") ;;
  -h|--help) points_usage "$0"; exit 0 ;;
  *) points_die "unknown argument: $1 (try --help)" ;;
esac

PARTITIONS="${POINTS_PARTITIONS:-6}"
[[ "$PARTITIONS" =~ ^[1-9][0-9]*$ ]] || points_die "POINTS_PARTITIONS must be a positive number, not '$PARTITIONS'"
KAFKA_HEAP="${KAFKA_HEAP:-768m}"
KAFKA_READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-120}"
BOOTSTRAP="localhost:$KAFKA_PORT"

KAFKA_DIR="$POINTS_KAFKA_DIR"
KAFKA_DATA="$POINTS_RUN/kafka-data"
KAFKA_CONFIG="$KAFKA_DIR/server.properties"
KAFKA_LOG="$POINTS_RUN/logs/kafka.log"     # the broker's Log4j 2 log
KAFKA_OUT="$POINTS_RUN/logs/kafka.out"     # its stdout and stderr (JVM errors)
OPERATOR_PROPERTIES="$(points_kafka_client_properties operator)"

phase() { printf '==> %s\n' "$*"; }

# shellcheck source=jdk.sh
. "$POINTS_LOCAL/jdk.sh"
mkdir -p "$POINTS_RUN/logs" "$POINTS_RUN/pids" "$KAFKA_DIR"
chmod 700 "$KAFKA_DIR"

kafka_admin() {
  KAFKA_TOOL_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" points_kafka_tool "$@"
}

# --- principals and their passwords -----------------------------------------------------------

# broker, operator and every principal the contract names.
principals() {
  printf '%s\n' broker operator
  awk '!/^[[:space:]]*(#|$)/ && $1 != "topic" { print $1 }' "$POINTS_KAFKA_CONTRACT" | sort -u
}

# Generates a password for each principal that has none yet (hex: safe in JAAS and properties).
ensure_passwords() {
  if [ -f "$KAFKA_DATA/meta.properties" ] && [ ! -s "$POINTS_KAFKA_PASSWORDS" ]; then
    points_die "Kafka's storage in $KAFKA_DATA has no passwords beside it ($POINTS_KAFKA_PASSWORDS): it was formatted \
before the broker required SASL, or the passwords were lost. deploy/local/down.sh --purge starts Kafka and the \
databases anew (they are one state)"
  fi
  command -v openssl >/dev/null 2>&1 || points_die "openssl is needed for Kafka's passwords (apt-get install -y openssl)"
  local name added=()
  (umask 077 && touch "$POINTS_KAFKA_PASSWORDS")
  for name in $(principals); do
    points_kafka_password "$name" >/dev/null && continue
    printf '%s %s\n' "$name" "$(openssl rand -hex 24)" >>"$POINTS_KAFKA_PASSWORDS"
    added+=("$name")
  done
  if [ "${#added[@]}" -gt 0 ]; then phase "Kafka passwords generated for: ${added[*]} ($POINTS_KAFKA_PASSWORDS)"; fi
}

# <principal>.properties (Java clients, Kafka's tools) and <principal>.librdkafka.properties.
write_client_properties() {
  local name password file
  for name in $(principals); do
    [ "$name" != broker ] || continue
    password="$(points_kafka_password "$name")"
    file="$(points_kafka_client_properties "$name")"
    (umask 077 && cat >"$file.tmp" <<EOF
# Written by deploy/local/kafka-up.sh at every start: how $name connects to the local broker, for
# Java clients and Kafka's tools (--command-config, --producer.config, --consumer.config).
bootstrap.servers=$BOOTSTRAP
security.protocol=$POINTS_KAFKA_SECURITY_PROTOCOL
sasl.mechanism=$POINTS_KAFKA_SASL_MECHANISM
sasl.jaas.config=$(points_kafka_jaas_config "$name")
EOF
    )
    mv -f "$file.tmp" "$file"
    file="$KAFKA_DIR/$name.librdkafka.properties"
    (umask 077 && cat >"$file.tmp" <<EOF
# Written by deploy/local/kafka-up.sh at every start: how $name connects to the local broker with
# librdkafka (kcat -F FILE, and the Python, Go and .NET clients built on it). PLAIN works with every
# librdkafka; SCRAM-SHA-512 with librdkafka 2.6.1 or later (before it, SCRAM with a Kafka 4 broker
# fails as "invalid credentials").
bootstrap.servers=$BOOTSTRAP
security.protocol=$POINTS_KAFKA_SECURITY_PROTOCOL
sasl.mechanisms=PLAIN
sasl.username=$name
sasl.password=$password
# One member, one partition: keyed records must land where the Java client's partitioner (murmur2)
# puts them; librdkafka's default (consistent_random, CRC32) puts them elsewhere.
partitioner=murmur2_random
EOF
    )
    mv -f "$file.tmp" "$file"
  done
}

# --- the broker ---------------------------------------------------------------------------------

# The PLAIN login module's user_<principal>="<password>" options, one per principal but broker.
plain_users() {
  local name
  for name in $(principals); do
    [ "$name" != broker ] || continue
    printf ' user_%s="%s"' "$name" "$(points_kafka_password "$name")"
  done
}

write_kafka_config() {
  local password
  password="$(points_kafka_password broker)"
  mkdir -p "$KAFKA_DATA"
  (umask 077 && cat >"$KAFKA_CONFIG.tmp" <<EOF
# Written by deploy/local/kafka-up.sh at every start; edit kafka-up.sh, not this file.
# A single-node KRaft cluster: broker and controller in one process.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=localhost:$KAFKA_CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=CLIENTS://localhost:$KAFKA_PORT,CONTROLLER://localhost:$KAFKA_CONTROLLER_PORT
advertised.listeners=CLIENTS://localhost:$KAFKA_PORT,CONTROLLER://localhost:$KAFKA_CONTROLLER_PORT
inter.broker.listener.name=CLIENTS
log.dirs=$KAFKA_DATA

# Every connection authenticates (SASL over plain TCP: loopback only, nothing leaves the machine).
listener.security.protocol.map=CLIENTS:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
# Clients, and the broker to itself: SCRAM, whose credentials live in the cluster's metadata.
# PLAIN too, with the same principals and passwords (listed here), for librdkafka before 2.6.1
# (Debian 12's kcat): it cannot finish a SCRAM exchange with a Kafka 4 broker, which checks the
# nonce as RFC 5802 says. On loopback the password in the clear is no weaker than the file it is in.
listener.name.clients.sasl.enabled.mechanisms=$POINTS_KAFKA_SASL_MECHANISM,PLAIN
sasl.mechanism.inter.broker.protocol=$POINTS_KAFKA_SASL_MECHANISM
listener.name.clients.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="broker" password="$password";
listener.name.clients.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required$(plain_users);
# The controller: PLAIN with the broker's password here, since the controller cannot check a SCRAM
# credential against the metadata it is itself serving (Kafka: SCRAM is for broker listeners only).
listener.name.controller.sasl.enabled.mechanisms=PLAIN
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="broker" password="$password" user_broker="$password";

# What an authenticated principal may do: the ACLs of deploy/local/kafka/contract.conf (set by
# KafkaAccess.java), nothing without one. broker and operator are allowed everything.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:broker;User:operator

# One node: every internal topic has one replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
default.replication.factor=1

# Topics made on first use (the DLQs <topic>.dlq.<service>, by a principal allowed to Create
# them) get the usual partition count.
auto.create.topics.enable=true
num.partitions=$PARTITIONS
# A record batch as stored (compressed) may take up to 16 MiB, the outbox relays' request limit:
# a hold over tens of thousands of lots is an event of megabytes (docs/contract-extensions.md).
message.max.bytes=16777216
# Small local machine: fewer threads, no wait before the first rebalance.
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
group.initial.rebalance.delay.ms=0
EOF
  )
  mv -f "$KAFKA_CONFIG.tmp" "$KAFKA_CONFIG"
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
  # controller.quorum.bootstrap.servers, not controller.quorum.voters). The broker's and the
  # operator's SCRAM credentials go into the first metadata: nobody could log in to add them later.
  kafka_admin kafka.tools.StorageTool format --cluster-id "$cluster_id" --config "$KAFKA_CONFIG" \
    --standalone --ignore-formatted \
    --add-scram "$POINTS_KAFKA_SASL_MECHANISM=[name=broker,password=$(points_kafka_password broker)]" \
    --add-scram "$POINTS_KAFKA_SASL_MECHANISM=[name=operator,password=$(points_kafka_password operator)]" \
    >"$POINTS_RUN/logs/kafka-format.log" 2>&1 \
    || { points_tail "$POINTS_RUN/logs/kafka-format.log"; points_die "could not format Kafka's storage"; }
}

start_kafka() {
  local pid port
  if pid="$(points_running_pid kafka)"; then
    phase "Kafka runs already (pid $pid)"
    return 0
  fi
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if points_port_open "$port"; then
      points_die "port $port is taken by a process that is not this stack's Kafka (see: ss -ltnp 'sport = :$port')"
    fi
  done
  phase "starting Kafka 4.1 (KRaft, broker+controller, SASL/SCRAM, ACLs) on $BOOTSTRAP"
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

wait_for_port() {
  local deadline=$((SECONDS + KAFKA_READY_TIMEOUT))
  until points_port_open "$KAFKA_PORT"; do
    points_running_pid kafka >/dev/null || kafka_died
    [ "$SECONDS" -lt "$deadline" ] || { kafka_log_tail; points_die "Kafka did not open port $KAFKA_PORT within ${KAFKA_READY_TIMEOUT}s"; }
    sleep 0.5
  done
}

# Topics, the services' credentials and the ACLs, as the operator (kafka/KafkaAccess.java).
apply_contract() {
  local summary
  if ! summary="$(java -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED \
      "-Dlog4j2.configurationFile=$POINTS_KAFKA_LOG4J" "-Dkafka.logs.dir=$POINTS_RUN/logs" \
      -Dkafka.log.file=kafka-tools.log -cp "$POINTS_KAFKA_LIBS/*" "$POINTS_KAFKA_ACCESS_TOOL" \
      "$POINTS_KAFKA_CONTRACT" "$OPERATOR_PROPERTIES" "$POINTS_KAFKA_PASSWORDS" "$PARTITIONS" "$KAFKA_READY_TIMEOUT" \
      2>"$POINTS_RUN/logs/kafka-access.log")"; then
    points_tail "$POINTS_RUN/logs/kafka-access.log" 20
    points_running_pid kafka >/dev/null || kafka_died
    kafka_log_tail
    points_die "could not bring Kafka to kafka/contract.conf (log: $POINTS_RUN/logs/kafka-access.log)"
  fi
  phase "Kafka answers on $BOOTSTRAP: $summary"
}

points_ensure_kafka_libs
ensure_passwords
write_kafka_config
write_client_properties
format_kafka_storage
start_kafka
wait_for_port
apply_contract
