package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.ApiError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.nagare.broker.testing.KafkaTools;
import dev.nagare.broker.testing.RawClient;
import dev.nagare.broker.testing.SharedBroker;

/**
 * Broker configs changed at run time, through IncrementalAlterConfigs and the legacy AlterConfigs: which keys Kafka 4.1
 * lets change and with which errors it refuses the others, and the cluster-wide {@code min.insync.replicas} every
 * Kafka 4.1 cluster carries. Messages and codes are what a Kafka 4.1 node answered (peer-kafka) to the same requests.
 */
class BrokerDynamicConfigsTest {

    @RegisterExtension
    static final SharedBroker shared = new SharedBroker();

    private static final ConfigResource NODE = new ConfigResource(ConfigResource.Type.BROKER, "1");
    private static final ConfigResource CLUSTER = new ConfigResource(ConfigResource.Type.BROKER, "");

    @Test
    void theClusterDefaultHoldsMinInsyncReplicasOneFromTheFirstStartAsKafka41Does() throws Exception {
        Result described = configCommand("--describe", "--entity-type", "brokers", "--entity-default");
        assertEquals("""
                Default configs for brokers in the cluster are:
                  min.insync.replicas=1 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:min.insync.replicas=1}
                """, described.stdout);
        try (Admin admin = shared.broker().admin()) {
            ConfigEntry onNode = admin.describeConfigs(List.of(NODE)).all().get().get(NODE).get("min.insync.replicas");
            assertEquals(ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, onNode.source());
            assertEquals("1", onNode.value());
        }
    }

    @Test
    void minInsyncReplicasCannotBeChangedPerBrokerNorRemovedFromTheClusterDefault() throws Exception {
        try (Admin admin = shared.broker().admin()) {
            for (OpType type : List.of(OpType.SET, OpType.DELETE)) {
                Throwable e = alterFails(admin, NODE, new AlterConfigOp(new ConfigEntry("min.insync.replicas", "1"), type));
                assertInstanceOf(InvalidConfigurationException.class, e);
                assertEquals("Broker-level min.insync.replicas cannot be altered while ELR is enabled.", e.getMessage(), type.toString());
            }
            Throwable removed = alterFails(admin, CLUSTER, new AlterConfigOp(new ConfigEntry("min.insync.replicas", ""), OpType.DELETE));
            assertInstanceOf(InvalidConfigurationException.class, removed);
            assertEquals("Cluster-level min.insync.replicas cannot be removed while ELR is enabled.", removed.getMessage());

            admin.incrementalAlterConfigs(Map.of(CLUSTER, List.of(new AlterConfigOp(new ConfigEntry("min.insync.replicas", "2"), OpType.SET))))
                    .all().get();
            assertEquals("2", admin.describeConfigs(List.of(CLUSTER)).all().get().get(CLUSTER).get("min.insync.replicas").value());
        }
        try (RawClient raw = new RawClient("127.0.0.1", shared.broker().port())) {
            assertEquals(new ApiError(Errors.INVALID_CONFIG, "Cluster-level min.insync.replicas cannot be removed while ELR is enabled."),
                    legacyAlter(raw, CLUSTER, Map.of("log.cleaner.delete.retention.ms", "1000")));
            assertEquals(new ApiError(Errors.INVALID_CONFIG, "Broker-level min.insync.replicas cannot be altered while ELR is enabled."),
                    legacyAlter(raw, NODE, Map.of("min.insync.replicas", "1")));
            assertEquals(ApiError.NONE, legacyAlter(raw, CLUSTER, Map.of("min.insync.replicas", "1")));
        }
    }

    @Test
    void cleanerKeysAreDynamicAndWrongValuesGetKafkasAnswers() throws Exception {
        try (Admin admin = shared.broker().admin(); RawClient raw = new RawClient("127.0.0.1", shared.broker().port())) {
            Map<String, ConfigEntry> before = describe(admin, NODE);
            for (String key : List.of("log.cleaner.backoff.ms", "log.cleaner.dedupe.buffer.size", "log.cleaner.threads")) {
                assertEquals(false, before.get(key).isReadOnly(), key);
            }
            assertEquals("1", before.get("log.cleaner.threads").value());

            assertEquals(new ApiError(Errors.INVALID_REQUEST, "Invalid value org.apache.kafka.common.config.ConfigException: Log cleaner "
                    + "threads cannot be increased to more than double the current value 1 for configuration Invalid dynamic configuration"),
                    legacyAlter(raw, NODE, Map.of("log.cleaner.threads", "3")));
            assertEquals(new ApiError(Errors.INVALID_REQUEST, "requirement failed: log.cleaner.dedupe.buffer.size must be at least 1MB per cleaner thread."),
                    legacyAlter(raw, NODE, Map.of("log.cleaner.dedupe.buffer.size", "1000")));
            assertEquals(new ApiError(Errors.INVALID_REQUEST, "Invalid value -1 for configuration log.cleaner.backoff.ms: Value must be at least 0"),
                    legacyAlter(raw, NODE, Map.of("log.cleaner.backoff.ms", "-1")));
            // Kafka changes these two at run time; Nagare keeps them read-only and answers as Kafka does for its read-only keys
            assertEquals(new ApiError(Errors.INVALID_REQUEST, "Cannot update these configs dynamically: Set(num.network.threads)"),
                    legacyAlter(raw, NODE, Map.of("num.network.threads", "4")));
            assertEquals(new ApiError(Errors.INVALID_REQUEST, "Cannot update these configs dynamically: Set(listeners)"),
                    legacyAlter(raw, NODE, Map.of("listeners", "PLAINTEXT://127.0.0.1:0")));
            assertEquals(new ApiError(Errors.INVALID_REQUEST, "Cannot update these configs dynamically: Set(log.dirs)"),
                    legacyAlter(raw, NODE, Map.of("log.dirs", "/tmp/x")));
        }
    }

    @Test
    void legacyAlterConfigsReplacesTheWholeDynamicSetOfTheBroker() throws Exception {
        try (Admin admin = shared.broker().admin(); RawClient raw = new RawClient("127.0.0.1", shared.broker().port())) {
            assertEquals(ApiError.NONE, legacyAlter(raw, NODE, Map.of("log.cleaner.backoff.ms", "20000", "log.retention.ms", "3600000")));
            Map<String, ConfigEntry> set = describe(admin, NODE);
            assertEquals("20000 DYNAMIC_BROKER_CONFIG", set.get("log.cleaner.backoff.ms").value() + " " + set.get("log.cleaner.backoff.ms").source());
            assertEquals("3600000 DYNAMIC_BROKER_CONFIG", set.get("log.retention.ms").value() + " " + set.get("log.retention.ms").source());

            assertEquals(ApiError.NONE, legacyAlter(raw, NODE, Map.of("log.retention.ms", "7200000")));
            Map<String, ConfigEntry> replaced = describe(admin, NODE);
            assertEquals("15000 DEFAULT_CONFIG", replaced.get("log.cleaner.backoff.ms").value() + " " + replaced.get("log.cleaner.backoff.ms").source(),
                    "a key left out of the new set is removed");
            assertEquals("7200000 DYNAMIC_BROKER_CONFIG", replaced.get("log.retention.ms").value() + " " + replaced.get("log.retention.ms").source());

            assertEquals(ApiError.NONE, legacyAlter(raw, NODE, Map.of()));
            assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, describe(admin, NODE).get("log.retention.ms").source());
        }
    }

    private static Map<String, ConfigEntry> describe(Admin admin, ConfigResource resource) throws Exception {
        Map<String, ConfigEntry> byName = new java.util.TreeMap<>();
        admin.describeConfigs(List.of(resource)).all().get().get(resource).entries().forEach(e -> byName.put(e.name(), e));
        return byName;
    }

    private record Result(int exitCode, String stdout) {
    }

    /** kafka-configs, without the line Log4j 2 prints to stdout when it finds no configuration (against Kafka too). */
    private static Result configCommand(String... args) throws Exception {
        KafkaTools.Result r = KafkaTools.run(shared.broker().bootstrap(), "kafka.admin.ConfigCommand", args);
        String stdout = r.stdout().lines().filter(l -> !l.contains(" ERROR Reconfiguration failed: No configuration found"))
                .map(l -> l + "\n").collect(java.util.stream.Collectors.joining());
        return new Result(r.exitCode(), stdout);
    }

    private static Throwable alterFails(Admin admin, ConfigResource resource, AlterConfigOp... ops) {
        return assertThrows(ExecutionException.class,
                () -> admin.incrementalAlterConfigs(Map.of(resource, List.of(ops))).all().get()).getCause();
    }

    /** The legacy AlterConfigs (v2): the resource's whole set of dynamic values replaced by these. */
    static ApiError legacyAlter(RawClient raw, ConfigResource resource, Map<String, String> values) throws Exception {
        List<AlterConfigsRequest.ConfigEntry> entries = values.entrySet().stream()
                .map(e -> new AlterConfigsRequest.ConfigEntry(e.getKey(), e.getValue())).toList();
        AlterConfigsResponse response = raw.roundTrip(new AlterConfigsRequest.Builder(Map.of(resource,
                new AlterConfigsRequest.Config(entries)), false).build((short) 2));
        return response.errors().get(resource);
    }
}
