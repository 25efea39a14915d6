# shellcheck shell=bash disable=SC2034
# Shared by the deploy/local scripts: paths, the run directory, pid files, ports, the JWT key pair.
# Sourced, never run. Sets POINTS_ROOT (the checkout), POINTS_LOCAL (deploy/local) and
# POINTS_RUN (the one run directory, deploy/local/.run unless POINTS_RUN_DIR says otherwise).

POINTS_LOCAL="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
POINTS_ROOT="$(cd "$POINTS_LOCAL/../.." && pwd)"
POINTS_RUN="${POINTS_RUN_DIR:-$POINTS_LOCAL/.run}"

# The five services and their ports (shared/CONTRACT.md); a run directory of a test's may take
# others (POINTS_EARNING_PORT, POINTS_LEDGER_PORT, POINTS_CATALOG_PORT, POINTS_REDEMPTION_PORT,
# POINTS_NOTIFICATION_PORT).
POINTS_SERVICES=(earning-service ledger-service catalog-service redemption-service notification-service)
declare -A POINTS_PORT=(
  [earning-service]="${POINTS_EARNING_PORT:-8081}"
  [ledger-service]="${POINTS_LEDGER_PORT:-8082}"
  [catalog-service]="${POINTS_CATALOG_PORT:-8083}"
  [redemption-service]="${POINTS_REDEMPTION_PORT:-8084}"
  [notification-service]="${POINTS_NOTIFICATION_PORT:-8085}"
)
# The analysts' dashboard (analytics-dashboard): started and stopped with the services, but it logs
# in to no broker and reads only the analytics database, which the live replay (deploy/local/replay.sh,
# its pid file "analytics-replay") fills from the log.
POINTS_DASHBOARD=analytics-dashboard
POINTS_PORT[$POINTS_DASHBOARD]="${POINTS_DASHBOARD_PORT:-8086}"
POINTS_REPLAY=analytics-replay
POINTS_ANALYTICS_DB="${POINTS_ANALYTICS_DB:-analytics}"
# Every application with an HTTP API (and an OpenAPI document): the services and the dashboard.
POINTS_APPS=("${POINTS_SERVICES[@]}" "$POINTS_DASHBOARD")
# The broker's client port and its controller's; another run directory (a test's) may take others.
KAFKA_PORT="${POINTS_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${POINTS_KAFKA_CONTROLLER_PORT:-9093}"

points_log() { printf '%s\n' "$*"; }
points_err() { printf '%s: %s\n' "${POINTS_SCRIPT:-points}" "$*" >&2; }
points_die() { points_err "$*"; exit 1; }

# --- processes -----------------------------------------------------------------------------

# The command line of a live process, NULs turned into spaces; fails when there is none.
points_cmdline() {
  local pid="$1"
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null
}

# Whether pid is alive and its command line contains marker (so it is ours, not a reused pid).
points_pid_is_ours() {
  local pid="$1" marker="$2" cmd
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  cmd="$(points_cmdline "$pid")" || return 1
  [[ "$cmd" == *"$marker"* ]]
}

# The pid of NAME's process when its pid file names a live process of ours; else removes a stale
# pid file and fails. The marker that proves it ours is kept beside the pid (line 2).
points_running_pid() {
  local name="$1" file="$POINTS_RUN/pids/$1.pid" pid marker
  [ -f "$file" ] || return 1
  { read -r pid || true; read -r marker || true; } <"$file"
  if [ -n "${pid:-}" ] && [ -n "${marker:-}" ] && points_pid_is_ours "$pid" "$marker"; then
    echo "$pid"
    return 0
  fi
  rm -f "$file"
  return 1
}

points_write_pid() {
  local name="$1" pid="$2" marker="$3" waited=0
  mkdir -p "$POINTS_RUN/pids"
  printf '%s\n%s\n' "$pid" "$marker" >"$POINTS_RUN/pids/$name.pid"
  # pid is a subshell that execs the process: until the exec its command line is this script's, and
  # points_running_pid would take it for another process and drop the pid file (on a busy machine a
  # start-up check came first and reported a broker that was starting as stopped). Wait for the exec.
  while [ "$waited" -lt 100 ] && kill -0 "$pid" 2>/dev/null && ! points_pid_is_ours "$pid" "$marker"; do
    sleep 0.1
    waited=$((waited + 1))
  done
}

# Whether something accepts TCP connections on 127.0.0.1:port.
points_port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The HTTP status of a GET (000 when nothing answers). curl when there is one, else plain bash.
points_http_status() {
  local port="$1" path="$2" line
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -m 5 -w '%{http_code}' "http://localhost:$port$path" 2>/dev/null || true
    return 0
  fi
  if ! exec 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null; then echo 000; return 0; fi
  printf 'GET %s HTTP/1.0\r\nHost: localhost:%s\r\nConnection: close\r\n\r\n' "$path" "$port" >&3
  if IFS=' ' read -r -t 5 _ line _ <&3; then echo "${line:-000}"; else echo 000; fi
  exec 3<&- 3>&-
}

# The last lines of a log, indented, for failure messages.
points_tail() {
  local file="$1" n="${2:-40}"
  if [ -s "$file" ]; then
    echo "----- last $n lines of $file -----" >&2
    tail -n "$n" "$file" | sed 's/^/  /' >&2
    echo "-----" >&2
  else
    echo "(no output in $file)" >&2
  fi
}

# --- JWT key pair ------------------------------------------------------------------------------

POINTS_KEYS="$POINTS_RUN/keys"
POINTS_JWT_PRIVATE_KEY_FILE="$POINTS_KEYS/jwt-private.pem"   # PKCS#8
POINTS_JWT_PUBLIC_KEY_FILE="$POINTS_KEYS/jwt-public.pem"     # X.509 SubjectPublicKeyInfo PEM

# Makes the RSA 2048 key pair once (under a lock, so parallel callers agree on one pair).
points_ensure_keys() {
  if [ -s "$POINTS_JWT_PRIVATE_KEY_FILE" ] && [ -s "$POINTS_JWT_PUBLIC_KEY_FILE" ]; then return 0; fi
  command -v openssl >/dev/null 2>&1 || points_die "openssl is needed for the JWT keys (apt-get install -y openssl)"
  mkdir -p "$POINTS_KEYS"
  chmod 700 "$POINTS_KEYS"
  (
    flock 9
    if [ -s "$POINTS_JWT_PRIVATE_KEY_FILE" ] && [ -s "$POINTS_JWT_PUBLIC_KEY_FILE" ]; then exit 0; fi
    umask 077
    tmp_priv="$POINTS_KEYS/.jwt-private.pem.$$"
    tmp_pub="$POINTS_KEYS/.jwt-public.pem.$$"
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp_priv" 2>/dev/null \
      || { rm -f "$tmp_priv"; echo "could not generate the JWT private key" >&2; exit 1; }
    openssl pkey -in "$tmp_priv" -pubout -out "$tmp_pub" 2>/dev/null \
      || { rm -f "$tmp_priv" "$tmp_pub"; echo "could not derive the JWT public key" >&2; exit 1; }
    chmod 644 "$tmp_pub"
    mv -f "$tmp_pub" "$POINTS_JWT_PUBLIC_KEY_FILE"
    mv -f "$tmp_priv" "$POINTS_JWT_PRIVATE_KEY_FILE"
  ) 9>"$POINTS_KEYS/.lock"
}

# --- webhook secret key --------------------------------------------------------------------------

# AES-256 key sealing webhook endpoints' secrets in notification-service's database (base64 of 32
# random bytes), made once like the JWT keys and never committed (deploy/local/.run is ignored).
POINTS_WEBHOOKS_SECRET_KEY_FILE="$POINTS_KEYS/webhooks-secret.key"

points_ensure_webhook_key() {
  if [ -s "$POINTS_WEBHOOKS_SECRET_KEY_FILE" ]; then return 0; fi
  command -v openssl >/dev/null 2>&1 || points_die "openssl is needed for the webhook secret key (apt-get install -y openssl)"
  mkdir -p "$POINTS_KEYS"
  chmod 700 "$POINTS_KEYS"
  (
    flock 9
    if [ -s "$POINTS_WEBHOOKS_SECRET_KEY_FILE" ]; then exit 0; fi
    umask 077
    tmp="$POINTS_KEYS/.webhooks-secret.key.$$"
    openssl rand -base64 32 >"$tmp" 2>/dev/null || { rm -f "$tmp"; echo "could not generate the webhook secret key" >&2; exit 1; }
    mv -f "$tmp" "$POINTS_WEBHOOKS_SECRET_KEY_FILE"
  ) 9>"$POINTS_KEYS/.lock"
}

# Prints a script's leading comment block (its usage).
points_usage() {
  awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$1"
}

# --- Kafka ------------------------------------------------------------------------------------

POINTS_KAFKA_POM="$POINTS_LOCAL/kafka/pom.xml"
POINTS_KAFKA_LOG4J="$POINTS_LOCAL/kafka/log4j2.properties"
POINTS_KAFKA_LIBS="$POINTS_RUN/kafka-libs"
# The topics and who may do what with them (kafka/contract.conf), and the tool that applies it.
POINTS_KAFKA_CONTRACT="$POINTS_LOCAL/kafka/contract.conf"
POINTS_KAFKA_ACCESS_TOOL="$POINTS_LOCAL/kafka/KafkaAccess.java"
# Written by kafka-up.sh: the broker's config, the principals' passwords and client properties.
POINTS_KAFKA_DIR="$POINTS_RUN/kafka"
POINTS_KAFKA_PASSWORDS="$POINTS_KAFKA_DIR/passwords"
# Clients authenticate with SASL/SCRAM over plain TCP on loopback (kafka-up.sh).
POINTS_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT
POINTS_KAFKA_SASL_MECHANISM=SCRAM-SHA-512

# The client properties of a principal (operator, broker or a service): bootstrap.servers and its
# SASL settings, for Java clients and Kafka's tools (--command-config, --producer.config, ...).
points_kafka_client_properties() {
  echo "$POINTS_KAFKA_DIR/$1.properties"
}

# A principal's password (from the passwords file kafka-up.sh writes); fails when it has none.
points_kafka_password() {
  local name="$1" password
  [ -r "$POINTS_KAFKA_PASSWORDS" ] || return 1
  password="$(awk -v name="$name" '$1 == name { print $2; exit }' "$POINTS_KAFKA_PASSWORDS")"
  [ -n "$password" ] || return 1
  printf '%s\n' "$password"
}

# The sasl.jaas.config value a Java client of that principal needs.
points_kafka_jaas_config() {
  local name="$1" password
  password="$(points_kafka_password "$name")" || return 1
  printf 'org.apache.kafka.common.security.scram.ScramLoginModule required username="%s" password="%s";\n' \
    "$name" "$password"
}

# Copies a tool's jars (the dependencies of a standalone pom under deploy/local) into the run dir,
# once, and again when the pom changed: points_ensure_libs NAME POM DIR. Needs a JDK >= 21 on PATH
# (jdk.sh) for the Maven wrapper.
points_ensure_libs() {
  local name="$1" pom="$2" libs="$3" stamp="$3/.complete" key
  key="$(basename "$libs")"
  if [ -f "$stamp" ] && [ ! "$pom" -nt "$stamp" ]; then return 0; fi
  mkdir -p "$POINTS_RUN"
  (
    flock 9
    if [ -f "$stamp" ] && [ ! "$pom" -nt "$stamp" ]; then exit 0; fi
    echo "fetching $name's jars (${pom#"$POINTS_ROOT"/}) into $libs" >&2
    tmp="$libs.tmp"
    rm -rf "$tmp"
    log="$POINTS_RUN/logs/$key-fetch.log"
    mkdir -p "$POINTS_RUN/logs"
    if ! (cd "$POINTS_ROOT" && ./mvnw -B -q -f "$pom" dependency:copy-dependencies \
        -DoutputDirectory="$tmp" </dev/null >"$log" 2>&1); then
      points_tail "$log" 40
      echo "could not fetch $name's jars with ./mvnw -f ${pom#"$POINTS_ROOT"/} (log: $log)" >&2
      exit 1
    fi
    rm -rf "$libs"
    mv "$tmp" "$libs"
    touch "$libs/.complete"
  ) 9>"$POINTS_RUN/.$key.lock" || points_die "no $name jars"
}

# Kafka's jars (deploy/local/kafka/pom.xml).
points_ensure_kafka_libs() {
  points_ensure_libs Kafka "$POINTS_KAFKA_POM" "$POINTS_KAFKA_LIBS"
}

# Runs a Kafka tool main class (or kafka-tool.sh's short name) on that classpath; tools log to
# <run dir>/logs/kafka-tools.log. Env: KAFKA_TOOL_HEAP (256m), KAFKA_TOOL_OPTS (more JVM options,
# split on spaces, as Kafka's KAFKA_OPTS).
points_kafka_tool() {
  local main="$1" opts=()
  shift
  read -r -a opts <<<"${KAFKA_TOOL_OPTS:-}"
  mkdir -p "$POINTS_RUN/logs"
  java "-Xmx${KAFKA_TOOL_HEAP:-256m}" --enable-native-access=ALL-UNNAMED "${opts[@]}" -Djava.awt.headless=true \
    "-Dlog4j2.configurationFile=$POINTS_KAFKA_LOG4J" "-Dkafka.logs.dir=$POINTS_RUN/logs" \
    -Dkafka.log.file=kafka-tools.log -cp "$POINTS_KAFKA_LIBS/*" "$main" "$@"
}

# --- GreenMail (the local SMTP server) ---------------------------------------------------------

POINTS_GREENMAIL_POM="$POINTS_LOCAL/greenmail/pom.xml"
POINTS_GREENMAIL_LIBS="$POINTS_RUN/greenmail-libs"
SMTP_PORT="${POINTS_SMTP_PORT:-3025}"
GREENMAIL_API_PORT="${POINTS_GREENMAIL_API_PORT:-8090}"

points_ensure_greenmail_libs() {
  points_ensure_libs GreenMail "$POINTS_GREENMAIL_POM" "$POINTS_GREENMAIL_LIBS"
}
