package io.pointsplatform.kit.kafka;

import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where the broker is and how to log in to it, for the Kafka clients the platform builds itself
 * (the outbox relay's producer, the ledger's replay consumer and admin client). The messaging
 * connector's channels and the health check take every {@code kafka.*} property from Quarkus's
 * default Kafka configuration; a client built by hand takes from it only {@code bootstrap.servers}
 * and the {@code security.protocol}, {@code sasl.*} and {@code ssl.*} settings: its other entries
 * (a {@code group.id} defaulted to the application's name, among others) would change what the
 * client does, e.g. make the replay's group-less consumer a member of the live consumer's group.
 */
@Singleton
public class KafkaConnection {

    private static final List<String> PREFIXES = List.of("security.", "sasl.", "ssl.");
    private static final String BOOTSTRAP = "bootstrap.servers";

    private final Map<String, String> settings;

    public KafkaConnection(@Identifier("default-kafka-broker") Map<String, Object> defaults) {
        Map<String, String> kept = new TreeMap<>();
        kept.put(BOOTSTRAP, "localhost:9092");
        defaults.forEach((key, value) -> {
            String text = value == null ? "" : value.toString();
            // A blank value is a setting left unset (e.g. ${KAFKA_SASL_JAAS_CONFIG:} on a plaintext broker).
            if (!text.isBlank() && (key.equals(BOOTSTRAP) || PREFIXES.stream().anyMatch(key::startsWith))) {
                kept.put(key, text);
            }
        });
        this.settings = Map.copyOf(kept);
    }

    /** A new set of client properties holding only these settings, for the client to add its own to. */
    public Properties properties() {
        Properties properties = new Properties();
        properties.putAll(settings);
        return properties;
    }
}
