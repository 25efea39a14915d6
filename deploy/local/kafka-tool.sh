#!/usr/bin/env bash
# Runs one of Apache Kafka's command-line tools from the local stack's Kafka jars (the same
# classpath as the broker; fetched by up.sh, or here when missing). Usage:
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
#   storage              kafka.tools.StorageTool
#
# Example: deploy/local/kafka-tool.sh topics --bootstrap-server localhost:9092 --list
# Tools log (Log4j 2) to <run dir>/logs/kafka-tools.log.
# Env: KAFKA_TOOL_HEAP (256m), KAFKA_TOOL_OPTS (more JVM options), POINTS_RUN_DIR.
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
  storage) main=kafka.tools.StorageTool ;;
  *.*) main="$tool" ;;
  *) points_die "unknown tool: $tool (try --help)" ;;
esac

# shellcheck source=jdk.sh
. "$POINTS_LOCAL/jdk.sh"
points_ensure_kafka_libs
points_kafka_tool "$main" "$@"
