#!/usr/bin/env bash
# Runs one of Apache Kafka's command-line tools from the local stack's Kafka jars (the same
# classpath as the broker; fetched by up.sh, or here when missing), logged in to the local broker
# as the operator. Usage:
#
#   deploy/local/kafka-tool.sh TOOL [ARGS...]
#
# TOOL is one of these short names (as Kafka's bin/kafka-<name>.sh) or a fully qualified main class:
#   topics               org.apache.kafka.tools.TopicCommand
#   console-producer     org.apache.kafka.tools.ConsoleProducer
#   console-consumer     org.apache.kafka.tools.consumer.ConsoleConsumer
#   producer-perf-test   org.apache.kafka.tools.ProducerPerformance
#   consumer-perf-test   org.apache.kafka.tools.ConsumerPerformance
#   consumer-groups      org.apache.kafka.tools.consumer.group.ConsumerGroupCommand
#   get-offsets          org.apache.kafka.tools.GetOffsetShell
#   metadata-quorum      org.apache.kafka.tools.MetadataQuorumCommand
#   configs              kafka.admin.ConfigCommand
#   acls                 org.apache.kafka.tools.AclCommand
#   storage              kafka.tools.StorageTool
#
# The broker takes only authenticated clients (kafka-up.sh). For a short name, unless the arguments
# already say so, this adds the client properties (--command-config, --producer.config or
# --consumer.config <run dir>/kafka/operator.properties) and --bootstrap-server localhost:9092.
# KAFKA_TOOL_CONFIG=<file> logs in as another principal, e.g. a service's:
#
#   deploy/local/kafka-tool.sh topics --list
#   deploy/local/kafka-tool.sh console-consumer --topic points.ledger --from-beginning --property print.key=true
#   deploy/local/kafka-tool.sh acls --list
#   KAFKA_TOOL_CONFIG=deploy/local/.run/kafka/catalog-service.properties \
#     deploy/local/kafka-tool.sh console-producer --topic points.ledger     (refused: not catalog's topic;
#     the broker logs "Denied" in <run dir>/logs/kafka.log)
#
# Tools log (Log4j 2) to <run dir>/logs/kafka-tools.log.
# Env: KAFKA_TOOL_CONFIG (<run dir>/kafka/operator.properties), KAFKA_TOOL_HEAP (256m),
# KAFKA_TOOL_OPTS (more JVM options), POINTS_KAFKA_PORT (9092), POINTS_RUN_DIR.
set -euo pipefail
POINTS_SCRIPT=kafka-tool.sh
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ $# -eq 0 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
  points_usage "$0"
  exit 0
fi
tool="$1"
shift
case "$tool" in
  topics) main=org.apache.kafka.tools.TopicCommand ;;
  console-producer) main=org.apache.kafka.tools.ConsoleProducer ;;
  console-consumer) main=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
  producer-perf-test) main=org.apache.kafka.tools.ProducerPerformance ;;
  consumer-perf-test) main=org.apache.kafka.tools.ConsumerPerformance ;;
  consumer-groups) main=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
  get-offsets) main=org.apache.kafka.tools.GetOffsetShell ;;
  metadata-quorum) main=org.apache.kafka.tools.MetadataQuorumCommand ;;
  configs) main=kafka.admin.ConfigCommand ;;
  acls) main=org.apache.kafka.tools.AclCommand ;;
  storage) main=kafka.tools.StorageTool ;;
  *.*) main="$tool" ;;
  *) points_die "unknown tool: $tool (try --help)" ;;
esac

# How each tool is told the client properties, and whether it takes --bootstrap-server.
config_flag=--command-config
takes_bootstrap=true
case "$tool" in
  console-producer) config_flag=--producer.config ;;
  producer-perf-test) config_flag=--producer.config; takes_bootstrap=false ;;  # bootstrap.servers is in the file
  console-consumer|consumer-perf-test) config_flag=--consumer.config ;;
  storage|*.*) config_flag=""; takes_bootstrap=false ;;
esac
# Whether an argument is FLAG or FLAG=value.
has_arg() {
  local flag="$1" arg
  shift
  for arg in "$@"; do
    if [ "$arg" = "$flag" ] || [[ "$arg" == "$flag="* ]]; then return 0; fi
  done
  return 1
}
extra=()
if [ -n "$config_flag" ] && ! has_arg --help "$@" && ! has_arg -h "$@" && ! has_arg --version "$@"; then
  config="${KAFKA_TOOL_CONFIG:-$(points_kafka_client_properties operator)}"
  if ! has_arg "$config_flag" "$@"; then
    [ -r "$config" ] || points_die "no $config: start the broker first (deploy/local/up.sh --infra-only)"
    extra+=("$config_flag" "$config")
  fi
  if [ "$takes_bootstrap" = true ] && ! has_arg --bootstrap-server "$@" && ! has_arg --bootstrap-controller "$@"; then
    extra+=(--bootstrap-server "localhost:$KAFKA_PORT")
  fi
fi

# shellcheck source=jdk.sh
. "$POINTS_LOCAL/jdk.sh"
points_ensure_kafka_libs
points_kafka_tool "$main" "$@" "${extra[@]}"
