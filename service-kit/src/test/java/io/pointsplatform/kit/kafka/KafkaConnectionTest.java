package io.pointsplatform.kit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaConnectionTest {

    @Test
    void keepsWhereTheBrokerIsAndHowToLogInAndNothingElse() {
        var connection = new KafkaConnection(Map.of(
                "bootstrap.servers", "localhost:19092",
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";",
                "ssl.endpoint.identification.algorithm", "https",
                // Quarkus defaults group.id to the application's name: a group-less consumer must not get it.
                "group.id", "ledger-service",
                "max.poll.records", "10"));

        assertThat(connection.properties()).containsOnlyKeys("bootstrap.servers", "security.protocol", "sasl.mechanism",
                "sasl.jaas.config", "ssl.endpoint.identification.algorithm");
        assertThat(connection.properties()).containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    }

    @Test
    void blankSettingsAreUnsetAndTheBrokerDefaultsToLocalhost() {
        var connection = new KafkaConnection(Map.of("security.protocol", "PLAINTEXT", "sasl.jaas.config", "", "sasl.mechanism", " "));

        assertThat(connection.properties()).containsOnly(
                Map.entry("bootstrap.servers", "localhost:9092"), Map.entry("security.protocol", "PLAINTEXT"));
    }

    @Test
    void eachCallGivesItsOwnCopy() {
        var connection = new KafkaConnection(Map.of("bootstrap.servers", "b:1"));

        connection.properties().put("client.id", "mine");

        assertThat(connection.properties()).doesNotContainKey("client.id");
    }
}
