package dev.nagare.broker.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import picocli.CommandLine.Option;

/**
 * What every client command needs to reach a cluster, Nagare or Apache Kafka alike: where it is, extra client
 * settings (TLS, SASL) as with Kafka's tools, and how long to wait for an answer. The wait bounds each request, each
 * connection attempt and each Admin call, so an unreachable cluster is reported in about that time, not after the
 * clients' defaults of 30 s to 60 s.
 */
final class ClusterOptions {

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT", defaultValue = "localhost:9092",
            description = "The broker (or a comma-separated list) to connect to; default ${DEFAULT-VALUE}.")
    String bootstrapServer;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Client properties (security.protocol, sasl.*, ssl.* …), as Kafka's tools take them.")
    Path commandConfig;

    @Option(names = "--timeout", paramLabel = "MS", defaultValue = "10000",
            description = "How long to wait for the cluster's answers, in ms; default ${DEFAULT-VALUE}.")
    int timeoutMs;

    Duration timeout() {
        return Duration.ofMillis(timeoutMs);
    }

    /** Settings for an Admin client. */
    Properties adminConfig() throws IOException {
        Properties p = new Properties();
        if (commandConfig != null) {
            try (InputStream in = Files.newInputStream(commandConfig)) {
                p.load(in);
            }
        }
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServer);
        p.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        p.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        int setup = Math.min(timeoutMs, 10_000);
        p.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, setup);
        p.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, setup);
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, "nagare-cli");
        return p;
    }

    /** Settings for a consumer without a group that reads raw records. */
    Properties consumerConfig() throws IOException {
        Properties p = adminConfig();
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return p;
    }
}
