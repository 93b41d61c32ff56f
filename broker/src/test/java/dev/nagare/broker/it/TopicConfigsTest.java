package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.ApiError;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.testing.KafkaTools;
import dev.nagare.broker.testing.KafkaTools.Result;
import dev.nagare.broker.testing.RawClient;
import dev.nagare.broker.testing.SharedBroker;
import dev.nagare.broker.testing.TestBroker;

/**
 * Topic and broker configs changed at run time through the AdminClient and Kafka 4.1's own {@code kafka-configs} and
 * {@code kafka-topics}, honoured by the running logs at once and kept across a restart. The expected answers are what
 * a real Kafka 4.1 gave for the same calls (checked side by side with {@code /work/shared/tools/peer-kafka}); where
 * Nagare differs on purpose, the test says so.
 */
class TopicConfigsTest {

    @TempDir
    static Path dir;

    @RegisterExtension
    static final SharedBroker shared = new SharedBroker();
    static TestBroker broker;

    @BeforeAll
    static void sharedBroker() {
        broker = shared.broker();
    }

    @Test
    void incrementalAlterConfigsSetsAppendsSubtractsAndDeletesTopicOverrides() throws Exception {
        broker.createTopic("cfg-ops", 1, Map.of());
        try (Admin admin = broker.admin()) {
            alter(admin, topic("cfg-ops"), op("retention.ms", "3600000", OpType.SET), op("cleanup.policy", "compact", OpType.APPEND));
            Map<String, ConfigEntry> c = describe(admin, topic("cfg-ops"));
            assertEquals("retention.ms=3600000 DYNAMIC_TOPIC_CONFIG [DYNAMIC_TOPIC_CONFIG:retention.ms=3600000]",
                    show(c.get("retention.ms")));
            // APPEND to a list not set yet starts from Kafka's default, delete.
            assertEquals("cleanup.policy=delete,compact DYNAMIC_TOPIC_CONFIG [DYNAMIC_TOPIC_CONFIG:cleanup.policy=delete,compact, "
                    + "DEFAULT_CONFIG:log.cleanup.policy=delete]", show(c.get("cleanup.policy")));

            alter(admin, topic("cfg-ops"), op("cleanup.policy", "delete", OpType.SUBTRACT), op("retention.ms", null, OpType.DELETE),
                    op("not.set.anyway", null, OpType.DELETE));
            c = describe(admin, topic("cfg-ops"));
            assertEquals("cleanup.policy=compact DYNAMIC_TOPIC_CONFIG [DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact, "
                    + "DEFAULT_CONFIG:log.cleanup.policy=delete]", show(c.get("cleanup.policy")));
            // Kafka's quirk kept: retention.ms from the default log.retention.hours lists no synonym.
            assertEquals("retention.ms=604800000 DEFAULT_CONFIG []", show(c.get("retention.ms")));
            assertEquals("segment.bytes=1073741824 DEFAULT_CONFIG [DEFAULT_CONFIG:log.segment.bytes=1073741824]",
                    show(c.get("segment.bytes")));
            assertEquals(TopicConfig.SEGMENT_BYTES_DOC, c.get("segment.bytes").documentation());
            assertEquals(ConfigEntry.ConfigType.INT, c.get("segment.bytes").type());
            assertEquals(33, c.size(), "every topic config Kafka 4.1 lists: " + c.keySet());
        }
    }

    @Test
    void wrongTopicConfigsAreRefusedWithKafkasErrorsAndMessages() throws Exception {
        broker.createTopic("cfg-invalid", 1, Map.of("min.compaction.lag.ms", "5000"));
        try (Admin admin = broker.admin()) {
            Map<String, String> expected = Map.of(
                    "foo.bar=1", "Unknown topic config name: foo.bar",
                    "segment.bytes=100", "Invalid value 100 for configuration segment.bytes: Value must be at least 1048576",
                    "retention.ms=abc", "Invalid value abc for configuration retention.ms: Not a number of type LONG",
                    "retention.ms=-5", "Invalid value -5 for configuration retention.ms: Value must be at least -1",
                    "compression.type=foo", "Invalid value foo for configuration compression.type: String must be one of: "
                            + "uncompressed, zstd, lz4, snappy, gzip, producer",
                    "cleanup.policy=foo", "Invalid value foo for configuration cleanup.policy: String must be one of: compact, delete",
                    "compression.gzip.level=50", "Invalid value 50 for configuration compression.gzip.level: "
                            + "Value must be between 1 and 9 or equal to -1",
                    "min.insync.replicas=0", "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1",
                    "max.compaction.lag.ms=100", "conflict topic config setting min.compaction.lag.ms (5000) > max.compaction.lag.ms (100)");
            for (Map.Entry<String, String> e : expected.entrySet()) {
                String[] kv = e.getKey().split("=", 2);
                Throwable t = alterFails(admin, topic("cfg-invalid"), op(kv[0], kv[1], OpType.SET));
                assertInstanceOf(InvalidConfigurationException.class, t, e.getKey());
                assertEquals(e.getValue(), t.getMessage(), e.getKey());
            }
            assertError(InvalidConfigurationException.class, "Can't APPEND to key retention.ms because its type is not LIST.",
                    alterFails(admin, topic("cfg-invalid"), op("retention.ms", "5", OpType.APPEND)));

            assertError(UnknownTopicOrPartitionException.class, "The topic 'cfg-nope' does not exist.",
                    alterFails(admin, topic("cfg-nope"), op("retention.ms", "1", OpType.SET)));

            admin.incrementalAlterConfigs(Map.of(topic("cfg-invalid"), List.of(op("retention.ms", "1000", OpType.SET))),
                    new AlterConfigsOptions().validateOnly(true)).all().get();
            assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, describe(admin, topic("cfg-invalid")).get("retention.ms").source(),
                    "validate-only changes nothing");
        }
    }

    @Test
    void legacyAlterConfigsReplacesAllOverridesOfATopic() throws Exception {
        broker.createTopic("cfg-legacy", 1, Map.of("retention.ms", "1000", "segment.ms", "60000"));
        try (RawClient raw = broker.rawClient(); Admin admin = broker.admin()) {
            AlterConfigsResponse response = raw.roundTrip(new AlterConfigsRequest.Builder(Map.of(topic("cfg-legacy"),
                    new AlterConfigsRequest.Config(List.of(new AlterConfigsRequest.ConfigEntry("retention.bytes", "1048576")))),
                    false).build());
            assertEquals(Map.of(topic("cfg-legacy"), ApiError.NONE), response.errors());
            Map<String, ConfigEntry> c = describe(admin, topic("cfg-legacy"));
            assertEquals(List.of("retention.bytes=1048576"), overrides(c));

            AlterConfigsResponse bad = raw.roundTrip(new AlterConfigsRequest.Builder(Map.of(topic("cfg-legacy"),
                    new AlterConfigsRequest.Config(List.of(new AlterConfigsRequest.ConfigEntry("foo.bar", "1")))), false).build());
            assertEquals(new ApiError(Errors.INVALID_CONFIG, "Unknown topic config name: foo.bar"), bad.errors().get(topic("cfg-legacy")));
        }
    }

    @Test
    void runningLogsTakeNewTopicConfigsAtOnce() throws Exception {
        broker.createTopic("cfg-live", 1, Map.of());
        try (Admin admin = broker.admin(); KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.RETRIES_CONFIG, 0))) {
            producer.send(new ProducerRecord<>("cfg-live", new byte[2000])).get();

            alter(admin, topic("cfg-live"), op("max.message.bytes", "1000", OpType.SET));
            Throwable tooLarge = assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>("cfg-live", new byte[2000])).get()).getCause();
            assertInstanceOf(RecordTooLargeException.class, tooLarge);

            alter(admin, topic("cfg-live"), op("message.timestamp.type", "LogAppendTime", OpType.SET));
            long before = System.currentTimeMillis();
            RecordMetadata stamped = producer.send(new ProducerRecord<>("cfg-live", null, 1L, null, new byte[10])).get();
            assertTrue(stamped.timestamp() >= before, "LogAppendTime replaces the producer's timestamp 1: " + stamped.timestamp());

            alter(admin, topic("cfg-live"), op("message.timestamp.type", null, OpType.DELETE),
                    op("message.timestamp.before.max.ms", "60000", OpType.SET));
            Throwable old = assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>("cfg-live", null, 1L, null, new byte[10])).get()).getCause();
            assertInstanceOf(InvalidTimestampException.class, old);
        }
    }

    @Test
    void segmentAndRetentionConfigsChangedOnALiveTopicRollAndDeleteItsSegments() throws Exception {
        Path data = dir.resolve("live-segments");
        try (TestBroker b = TestBroker.start(data, Map.of("log.retention.check.interval.ms", "100"));
             Admin admin = b.admin();
             KafkaProducer<byte[], byte[]> producer = b.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 0))) {
            b.createTopic("cfg-seg", 1, Map.of());
            long old = System.currentTimeMillis() - 600_000;
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("cfg-seg", 0, old, null, ("old" + i).getBytes())).get();
            }
            alter(admin, topic("cfg-seg"), op("segment.ms", "1", OpType.SET), op("segment.index.bytes", "1000", OpType.SET),
                    op("min.insync.replicas", "1", OpType.SET));
            Thread.sleep(20);
            producer.send(new ProducerRecord<>("cfg-seg", "new3".getBytes())).get(); // rolls: the segment is 20 ms old
            alter(admin, topic("cfg-seg"), op("segment.ms", null, OpType.DELETE));
            producer.send(new ProducerRecord<>("cfg-seg", "new4".getBytes())).get(); // no roll: back to 7 days

            Path partition = data.resolve("cfg-seg-0");
            assertEquals(List.of("00000000000000000000.log", "00000000000000000003.log"), files(partition, ".log"));
            assertEquals(List.of("00000000000000000000.index"), files(partition, ".index"),
                    "the new segment has no index entry yet, so no index file");
            producer.send(new ProducerRecord<>("cfg-seg", new byte[5000])).get(); // over index.interval.bytes (4096)
            producer.send(new ProducerRecord<>("cfg-seg", "new6".getBytes())).get(); // its batch gets the first entry
            assertEquals(1000, java.nio.file.Files.size(partition.resolve("00000000000000000003.index")),
                    "the new segment's offset index grows to one page at most, here capped by segment.index.bytes");
            ConfigEntry minIsr = describe(admin, topic("cfg-seg")).get("min.insync.replicas");
            assertEquals("1", minIsr.value());
            assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, minIsr.source());

            alter(admin, topic("cfg-seg"), op("retention.ms", "300000", OpType.SET)); // 5 min: the old records go
            org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition("cfg-seg", 0);
            long earliest = -1;
            for (long deadline = System.nanoTime() + 20_000_000_000L; earliest != 3 && System.nanoTime() < deadline; ) {
                earliest = admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.earliest()))
                        .partitionResult(tp).get().offset();
                Thread.sleep(50);
            }
            assertEquals(3, earliest, "the segment of records ten minutes old is deleted by the next retention check");
            assertEquals(List.of("00000000000000000003.log"), files(partition, ".log"));
        }
    }

    private static List<String> files(Path dir, String suffix) throws java.io.IOException {
        try (var list = java.nio.file.Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void compressionTypeOfTheTopicRecompressesWhatTheProducerSent() throws Exception {
        Path data = dir.resolve("compression");
        try (TestBroker b = TestBroker.start(data)) {
            b.createTopic("cfg-gzip", 1, Map.of("compression.type", "gzip"));
            try (KafkaProducer<byte[], byte[]> lz4 = b.producer(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"))) {
                for (int i = 0; i < 3; i++) {
                    lz4.send(new ProducerRecord<>("cfg-gzip", ("k" + i).getBytes(), ("v" + i).getBytes())).get();
                }
                try (Admin admin = b.admin()) {
                    alter(admin, topic("cfg-gzip"), op("compression.type", "producer", OpType.SET));
                }
                lz4.send(new ProducerRecord<>("cfg-gzip", "k3".getBytes(), "v3".getBytes())).get();
            }
        }
        Path log = data.resolve("cfg-gzip-0").resolve("00000000000000000000.log");
        Result dump = KafkaTools.run(60, null, "kafka.tools.DumpLogSegments", "--deep-iteration", "--print-data-log",
                "--files", log.toString()).assertSuccess();
        List<String> batches = dump.stdout().lines().filter(l -> l.startsWith("baseOffset: ")).toList();
        assertEquals(4, batches.size(), dump.stdout());
        for (int i = 0; i < 3; i++) {
            assertTrue(batches.get(i).contains(" baseSequence: " + i + " lastSequence: " + i + " producerId: 0 producerEpoch: 0 "),
                    "re-compression keeps the idempotent producer's sequence: " + batches.get(i));
            assertTrue(batches.get(i).contains(" compresscodec: gzip ") && batches.get(i).endsWith(" isvalid: true"), batches.get(i));
        }
        assertTrue(batches.get(3).contains(" compresscodec: lz4 "), "compression.type=producer keeps lz4: " + batches.get(3));
        List<String> records = dump.stdout().lines().filter(l -> l.startsWith("| ")).map(l -> l.substring(l.indexOf(" key: "))).toList();
        assertEquals(List.of(" key: k0 payload: v0", " key: k1 payload: v1", " key: k2 payload: v2", " key: k3 payload: v3"), records);
    }

    @Test
    void brokerDynamicConfigsAreDescribedAppliedAndKeptAcrossARestart() throws Exception {
        try (TestBroker b = TestBroker.start(dir.resolve("dynamic"), Map.of("log.retention.hours", "24"))) {
            b.createTopic("cfg-dyn", 1, Map.of("retention.bytes", "5000000"));
            try (Admin admin = b.admin()) {
                alter(admin, broker("1"), op("log.retention.ms", "3600000", OpType.SET), op("log.cleanup.policy", "compact", OpType.APPEND));
                alter(admin, broker(""), op("message.max.bytes", "2000000", OpType.SET));

                assertError(InvalidRequestException.class, "Cannot update these configs dynamically: Set(log.dirs)",
                        alterFails(admin, broker("1"), op("log.dirs", "/tmp/x", OpType.SET)));
                assertError(InvalidRequestException.class, "Invalid value 10 for configuration log.segment.bytes: Value must be at least 1048576",
                        alterFails(admin, broker("1"), op("log.segment.bytes", "10", OpType.SET)));
            }
            for (int run = 0; run < 2; run++) {
                try (Admin admin = b.admin()) {
                    Map<String, ConfigEntry> t = describe(admin, topic("cfg-dyn"));
                    assertEquals("retention.ms=3600000 DYNAMIC_BROKER_CONFIG [DYNAMIC_BROKER_CONFIG:log.retention.ms=3600000, "
                            + "STATIC_BROKER_CONFIG:log.retention.hours=24, DEFAULT_CONFIG:log.retention.hours=168]", show(t.get("retention.ms")));
                    assertEquals("max.message.bytes=2000000 DYNAMIC_DEFAULT_BROKER_CONFIG [DYNAMIC_DEFAULT_BROKER_CONFIG:message.max.bytes=2000000, "
                            + "DEFAULT_CONFIG:message.max.bytes=1048588]", show(t.get("max.message.bytes")));
                    assertEquals("cleanup.policy=delete,compact DYNAMIC_BROKER_CONFIG [DYNAMIC_BROKER_CONFIG:log.cleanup.policy=delete,compact, "
                            + "DEFAULT_CONFIG:log.cleanup.policy=delete]", show(t.get("cleanup.policy")));
                    assertEquals(List.of("retention.bytes=5000000"), overrides(t));

                    Map<String, ConfigEntry> node = describe(admin, broker("1"));
                    assertEquals("log.retention.ms=3600000 DYNAMIC_BROKER_CONFIG [DYNAMIC_BROKER_CONFIG:log.retention.ms=3600000, "
                            + "STATIC_BROKER_CONFIG:log.retention.hours=24, DEFAULT_CONFIG:log.retention.hours=168]", show(node.get("log.retention.ms")));
                    assertEquals("log.retention.hours=24 STATIC_BROKER_CONFIG [STATIC_BROKER_CONFIG:log.retention.hours=24, "
                            + "DEFAULT_CONFIG:log.retention.hours=168]", show(node.get("log.retention.hours")));
                    assertEquals(false, node.get("log.retention.ms").isReadOnly());
                    assertEquals(true, node.get("log.dirs").isReadOnly());
                    assertEquals(List.of("message.max.bytes=2000000 DYNAMIC_DEFAULT_BROKER_CONFIG [DYNAMIC_DEFAULT_BROKER_CONFIG:message.max.bytes=2000000]",
                                    "min.insync.replicas=1 DYNAMIC_DEFAULT_BROKER_CONFIG [DYNAMIC_DEFAULT_BROKER_CONFIG:min.insync.replicas=1]"),
                            describe(admin, broker("")).values().stream().map(TopicConfigsTest::show).toList());
                }
                try (KafkaProducer<byte[], byte[]> producer = b.producer(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 3_000_000))) {
                    // above the static 1048588; with a key, since the topic is now compacted too
                    producer.send(new ProducerRecord<>("cfg-dyn", new byte[1], new byte[1_500_000])).get();
                }
                b.restart();
            }
        }
    }

    @Test
    void kafkaConfigsToolAltersAndDescribesTopicsAndTheBroker() throws Exception {
        broker.createTopic("cfg-cli", 1, Map.of());
        configCommand("--alter", "--entity-type", "topics", "--entity-name", "cfg-cli",
                "--add-config", "retention.ms=1000,cleanup.policy=[compact,delete]").assertSuccess();
        assertEquals("""
                Dynamic configs for topic cfg-cli are:
                  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}
                  retention.ms=1000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=1000}
                """, configCommand("--describe", "--entity-type", "topics", "--entity-name", "cfg-cli").assertSuccess().stdout());

        List<String> withOverrides = KafkaTools.run(broker.bootstrap(), "org.apache.kafka.tools.TopicCommand", "--describe",
                "--topics-with-overrides").assertSuccess().stdout().lines().filter(l -> l.contains("cfg-cli")).toList();
        assertEquals(1, withOverrides.size(), "only the topic line: " + withOverrides);
        assertTrue(withOverrides.get(0).startsWith("Topic: cfg-cli\tTopicId: "), withOverrides.get(0));
        assertTrue(withOverrides.get(0).endsWith("\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: min.insync.replicas=1,cleanup.policy=compact,delete,retention.ms=1000"),
                withOverrides.get(0));

        configCommand("--alter", "--entity-type", "topics", "--entity-name", "cfg-cli", "--delete-config", "retention.ms").assertSuccess();
        assertEquals("""
                Dynamic configs for topic cfg-cli are:
                  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}
                """, configCommand("--describe", "--entity-type", "topics", "--entity-name", "cfg-cli").assertSuccess().stdout());

        Result brokerAlter = configCommand("--alter", "--entity-type", "brokers", "--entity-name", "1", "--add-config", "log.cleaner.delete.retention.ms=1000");
        assertEquals("Completed updating config for broker 1.\n", brokerAlter.assertSuccess().stdout());
        assertEquals("""
                Dynamic configs for broker 1 are:
                  log.cleaner.delete.retention.ms=1000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.cleaner.delete.retention.ms=1000, DEFAULT_CONFIG:log.cleaner.delete.retention.ms=86400000}
                """, configCommand("--describe", "--entity-type", "brokers", "--entity-name", "1").assertSuccess().stdout());
        configCommand("--alter", "--entity-type", "brokers", "--entity-name", "1", "--delete-config", "log.cleaner.delete.retention.ms").assertSuccess();
        assertEquals("Dynamic configs for broker 1 are:\n",
                configCommand("--describe", "--entity-type", "brokers", "--entity-name", "1").assertSuccess().stdout());

        assertEquals("Completed updating default config for brokers in the cluster.\n", configCommand("--alter", "--entity-type", "brokers",
                "--entity-default", "--add-config", "log.segment.delete.delay.ms=5000").assertSuccess().stdout());
        assertEquals("""
                Default configs for brokers in the cluster are:
                  log.segment.delete.delay.ms=5000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.segment.delete.delay.ms=5000}
                  min.insync.replicas=1 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:min.insync.replicas=1}
                """, configCommand("--describe", "--entity-type", "brokers", "--entity-default").assertSuccess().stdout());
        configCommand("--alter", "--entity-type", "brokers", "--entity-default", "--delete-config", "log.segment.delete.delay.ms").assertSuccess();
    }

    @Test
    void brokerLoggerLevelsAreDescribedAndChanged() throws Exception {
        ConfigResource loggers = new ConfigResource(ConfigResource.Type.BROKER_LOGGER, "1");
        try (Admin admin = broker.admin()) {
            Map<String, ConfigEntry> before = describe(admin, loggers);
            assertTrue(before.containsKey("root"), before.keySet().toString());
            assertEquals(ConfigEntry.ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG, before.get("root").source());

            alter(admin, loggers, op("dev.nagare.broker.partition.PartitionManager", "DEBUG", OpType.SET));
            assertEquals("DEBUG", describe(admin, loggers).get("dev.nagare.broker.partition.PartitionManager").value());
            alter(admin, loggers, op("dev.nagare.broker.partition.PartitionManager", null, OpType.DELETE));
            assertEquals(before.get("root").value(), describe(admin, loggers).get("dev.nagare.broker.partition.PartitionManager").value());

            assertError(InvalidConfigurationException.class, "Logger no.such.logger does not exist!",
                    alterFails(admin, loggers, op("no.such.logger", "DEBUG", OpType.SET)));
            Throwable root = alterFails(admin, loggers, op("root", null, OpType.DELETE));
            assertEquals("Removing the log level of the root logger is not allowed", root.getMessage());
            Throwable append = alterFails(admin, loggers, op("root", "INFO", OpType.APPEND));
            assertEquals("APPEND operation is not allowed for the BROKER_LOGGER resource", append.getMessage());
        }
    }

    /**
     * kafka-configs, its output without the line Log4j 2 prints to stdout when the tool reconfigures logging without a
     * configuration file (it does so against Kafka too).
     */
    private static Result configCommand(String... args) throws Exception {
        Result r = KafkaTools.run(broker.bootstrap(), "kafka.admin.ConfigCommand", args);
        String stdout = r.stdout().lines().filter(l -> !l.contains(" ERROR Reconfiguration failed: No configuration found"))
                .map(l -> l + "\n").collect(java.util.stream.Collectors.joining());
        return new Result(r.exitCode(), stdout, r.stderr());
    }

    private static ConfigResource topic(String name) {
        return new ConfigResource(ConfigResource.Type.TOPIC, name);
    }

    private static ConfigResource broker(String id) {
        return new ConfigResource(ConfigResource.Type.BROKER, id);
    }

    private static AlterConfigOp op(String name, String value, OpType type) {
        return new AlterConfigOp(new ConfigEntry(name, value), type);
    }

    private static void alter(Admin admin, ConfigResource resource, AlterConfigOp... ops) throws Exception {
        admin.incrementalAlterConfigs(Map.of(resource, List.of(ops))).all().get();
    }

    private static Throwable alterFails(Admin admin, ConfigResource resource, AlterConfigOp... ops) {
        return assertThrows(ExecutionException.class,
                () -> admin.incrementalAlterConfigs(Map.of(resource, List.of(ops))).all().get()).getCause();
    }

    private static void assertError(Class<? extends Throwable> type, String message, Throwable error) {
        assertInstanceOf(type, error);
        assertEquals(message, error.getMessage());
    }

    private static Map<String, ConfigEntry> describe(Admin admin, ConfigResource resource) throws Exception {
        Collection<ConfigEntry> entries = admin.describeConfigs(List.of(resource),
                new DescribeConfigsOptions().includeSynonyms(true).includeDocumentation(true)).all().get().get(resource).entries();
        Map<String, ConfigEntry> byName = new java.util.TreeMap<>();
        entries.forEach(e -> byName.put(e.name(), e));
        return byName;
    }

    /** The topic's own overrides, as name=value. */
    private static List<String> overrides(Map<String, ConfigEntry> configs) {
        List<String> out = new ArrayList<>();
        configs.values().stream().filter(e -> e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
                .forEach(e -> out.add(e.name() + "=" + e.value()));
        return out;
    }

    /** "name=value SOURCE [SOURCE:synonym=value, …]", as Kafka's describe shows them. */
    private static String show(ConfigEntry e) {
        return e.name() + "=" + e.value() + " " + e.source() + " "
                + e.synonyms().stream().map(s -> s.source() + ":" + s.name() + "=" + s.value()).toList();
    }
}
