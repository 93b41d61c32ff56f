package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.testing.KafkaTools;
import dev.nagare.broker.testing.KafkaTools.Result;
import dev.nagare.broker.testing.TestBroker;

/**
 * Apache Kafka 4.1's own command-line tools, run as an operator runs them, against one Nagare broker. Where the
 * expected output differs from what Nagare once answered, the expectation is what a real Kafka 4.1 prints for the
 * same commands (checked side by side with {@code /work/shared/tools/peer-kafka}).
 */
class KafkaCliToolsTest {

    @TempDir
    static Path dir;

    static TestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.start(dir.resolve("shared"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void topicCommandCreatesListsDescribesAndDeletesATopic() throws Exception {
        topicCommand("--create", "--topic", "cli-topics", "--partitions", "3").assertSuccess();

        Result list = topicCommand("--list").assertSuccess();
        assertTrue(lines(list.stdout()).contains("cli-topics"), "--list shows the topic on a line of its own:\n" + list.stdout());
        assertEquals("cli-topics\n", topicCommand("--list", "--topic", "cli-topics").assertSuccess().stdout());

        String topicId;
        try (Admin admin = broker.admin()) {
            topicId = admin.describeTopics(List.of("cli-topics")).allTopicNames().get().get("cli-topics").topicId().toString();
        }
        List<String> describe = lines(topicCommand("--describe", "--topic", "cli-topics").assertSuccess().stdout());
        assertEquals(4, describe.size(), "one topic line and one line per partition:\n" + describe);
        // No topic config was set; Configs shows the cluster-wide min.insync.replicas every Kafka 4.1 cluster has
        // (see DynamicBrokerConfig.elrSafeClusterDefaults), as Kafka prints it.
        assertEquals("Topic: cli-topics\tTopicId: " + topicId + "\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: min.insync.replicas=1",
                describe.get(0));
        for (int p = 0; p < 3; p++) {
            // The empty ELR lists come from DescribeTopicPartitions (a broker without it gets "Elr: N/A" from the
            // tool's Metadata fallback).
            assertEquals("\tTopic: cli-topics\tPartition: " + p + "\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: ",
                    describe.get(p + 1), "partition line " + p);
        }

        topicCommand("--delete", "--topic", "cli-topics").assertSuccess();
        Result after = topicCommand("--list").assertSuccess();
        assertFalse(lines(after.stdout()).contains("cli-topics"), "deleted topic still listed:\n" + after.stdout());
    }

    @Test
    void topicCommandDescribeShowsTheConfigsSetAtCreation() throws Exception {
        topicCommand("--create", "--topic", "cli-configs", "--partitions", "1", "--config", "cleanup.policy=compact,delete",
                "--config", "retention.ms=1000", "--config", "segment.bytes=1048576", "--config", "max.message.bytes=2000").assertSuccess();
        List<String> describe = lines(topicCommand("--describe", "--topic", "cli-configs").assertSuccess().stdout());
        // Kafka 4.1's line for the same topic, in its order (that of Kafka's LogConfig map, not sorted)
        assertTrue(describe.get(0).endsWith("\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: min.insync.replicas=1,"
                + "cleanup.policy=compact,delete,segment.bytes=1048576,retention.ms=1000,max.message.bytes=2000"), describe.get(0));
    }

    @Test
    void consoleProducerKeyedLinesComeBackFromConsoleConsumerWithTheirKeys() throws Exception {
        topicCommand("--create", "--topic", "cli-console", "--partitions", "1").assertSuccess();
        KafkaTools.run(60, "k1:v1\nk2:v2\nk3:hello world\n:no key\n", "org.apache.kafka.tools.ConsoleProducer",
                "--bootstrap-server", broker.bootstrap(), "--topic", "cli-console",
                "--property", "parse.key=true", "--property", "key.separator=:").assertSuccess();

        Result consumed = KafkaTools.run(60, null, "org.apache.kafka.tools.consumer.ConsoleConsumer",
                "--bootstrap-server", broker.bootstrap(), "--topic", "cli-console", "--partition", "0",
                "--offset", "earliest", "--max-messages", "4", "--property", "print.key=true").assertSuccess();
        assertEquals("k1\tv1\nk2\tv2\nk3\thello world\n\tno key\n", consumed.stdout());
        assertTrue(consumed.stderr().contains("Processed a total of 4 messages"), consumed.stderr());
    }

    @Test
    void getOffsetShellPrintsLatestEarliestAndByTimestampOffsets() throws Exception {
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("cli-offsets", 2, (short) 1))).all().get();
        }
        long t0 = 1_600_000_000_000L;
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("cli-offsets", 0, t0 + 1000L * i, null, bytes("v" + i))).get();
            }
            producer.send(new ProducerRecord<>("cli-offsets", 1, t0, null, bytes("only"))).get();
        }
        assertEquals("cli-offsets:0:5\ncli-offsets:1:1\n", getOffsetShell().stdout());
        assertEquals("cli-offsets:0:5\ncli-offsets:1:1\n", getOffsetShell("--time", "-1").stdout());
        assertEquals("cli-offsets:0:0\ncli-offsets:1:0\n", getOffsetShell("--time", "-2").stdout());
        // The first offset whose timestamp is >= the one asked: 2500 ms after t0 is offset 3 in partition 0; partition 1
        // has nothing that late, and Kafka then prints no line for it.
        assertEquals("cli-offsets:0:3\n", getOffsetShell("--time", Long.toString(t0 + 2500)).stdout());
        assertEquals("cli-offsets:0:0\ncli-offsets:1:0\n", getOffsetShell("--time", Long.toString(t0 - 1)).stdout());
        assertEquals("", getOffsetShell("--time", Long.toString(t0 + 10_000)).stdout());
    }

    @Test
    void producerPerformanceWritesTwentyThousandRecordsThatAllArrive() throws Exception {
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("cli-perf", 3, (short) 1))).all().get();
        }
        Result perf = KafkaTools.run(90, null, "org.apache.kafka.tools.ProducerPerformance",
                "--topic", "cli-perf", "--num-records", "20000", "--record-size", "100", "--throughput", "-1",
                "--producer-props", "bootstrap.servers=" + broker.bootstrap(), "acks=1").assertSuccess();
        assertTrue(perf.stdout().contains("20000 records sent"), perf.stdout());

        try (Admin admin = broker.admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                latest.put(new TopicPartition("cli-perf", p), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
            assertEquals(20000L, ends.values().stream().mapToLong(ListOffsetsResultInfo::offset).sum(), ends.toString());
        }
    }

    // After its round trips EndToEndLatency commits its consumer's offsets through the group coordinator.
    @Test
    void endToEndLatencyMeasuresEveryRoundTrip() throws Exception {
        Result usage = KafkaTools.run(30, null, "org.apache.kafka.tools.EndToEndLatency");
        assertTrue(usage.stdout().contains("broker_list topic num_messages producer_acks message_size_bytes")
                || usage.stderr().contains("broker_list topic num_messages producer_acks message_size_bytes"), usage.toString());

        Result run = KafkaTools.run(90, null, "org.apache.kafka.tools.EndToEndLatency",
                broker.bootstrap(), "cli-e2e", "200", "1", "100").assertSuccess();
        assertTrue(run.stdout().contains("Avg latency: "), run.stdout());
        assertTrue(run.stdout().contains("Percentiles: 50th = "), run.stdout());
    }

    @Test
    void dumpLogSegmentsReadsEveryRecordOfANagareSegmentAndFindsItsIndexesConsistent() throws Exception {
        Path dataDir = dir.resolve("dump");
        // A small index interval puts several entries into the offset and time indexes for the tool to check.
        int batches = 4;
        int perBatch = 5;
        long t0 = 1_650_000_000_000L;
        List<String> expectedRecordLines = new ArrayList<>();
        try (TestBroker own = TestBroker.start(dataDir, Map.of("log.index.interval.bytes", "100"))) {
            try (Admin admin = own.admin()) {
                admin.createTopics(List.of(new NewTopic("dumped", 1, (short) 1))).all().get();
            }
            try (KafkaProducer<byte[], byte[]> producer = own.producer(Map.of(
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.ACKS_CONFIG, "1",
                    ProducerConfig.LINGER_MS_CONFIG, 100))) {
                int offset = 0;
                for (int b = 0; b < batches; b++) {
                    for (int r = 0; r < perBatch; r++, offset++) {
                        String key = "key-" + offset;
                        String value = "payload number " + offset + " " + "x".repeat(30);
                        producer.send(new ProducerRecord<>("dumped", 0, t0 + offset, bytes(key), bytes(value)));
                        expectedRecordLines.add("| offset: " + offset + " CreateTime: " + (t0 + offset) + " keySize: "
                                + key.length() + " valueSize: " + value.length() + " sequence: -1 headerKeys: [] key: "
                                + key + " payload: " + value);
                    }
                    producer.flush();
                }
            }
        } // a clean close: indexes trimmed, clean-shutdown marker written

        Path partitionDir = dataDir.resolve("dumped-0");
        Path log = partitionDir.resolve("00000000000000000000.log");
        Result dump = KafkaTools.run(60, null, "kafka.tools.DumpLogSegments", "--deep-iteration", "--print-data-log",
                "--files", log.toString()).assertSuccess();
        List<String> out = lines(dump.stdout());
        assertEquals("Dumping " + log, out.get(0));
        assertEquals("Log starting offset: 0", out.get(1));
        List<String> recordLines = out.stream().filter(l -> l.startsWith("| ")).toList();
        assertEquals(expectedRecordLines, recordLines);
        List<String> batchLines = out.stream().filter(l -> l.startsWith("baseOffset: ")).toList();
        assertEquals(batches, batchLines.size(), dump.stdout());
        for (int b = 0; b < batches; b++) {
            String line = batchLines.get(b);
            assertTrue(line.startsWith("baseOffset: " + b * perBatch + " lastOffset: " + (b * perBatch + perBatch - 1)
                    + " count: " + perBatch + " baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1"), line);
            assertTrue(line.contains(" magic: 2 compresscodec: none "), line);
            assertTrue(line.endsWith(" isvalid: true"), line);
        }
        assertEquals(2 + batches + batches * perBatch, out.size(), "nothing else, e.g. no invalid bytes at the end:\n" + dump.stdout());
        assertNoToolErrors(dump);

        Path index = partitionDir.resolve("00000000000000000000.index");
        Path timeIndex = partitionDir.resolve("00000000000000000000.timeindex");
        assertEquals(0, Files.size(index) % 8, "offset index trimmed to whole entries on clean close");
        assertEquals(0, Files.size(timeIndex) % 12, "time index trimmed to whole entries on clean close");
        Result indexes = KafkaTools.run(60, null, "kafka.tools.DumpLogSegments", "--files", index + "," + timeIndex).assertSuccess();
        List<String> indexOut = lines(indexes.stdout());
        long offsetEntries = indexOut.stream().filter(l -> l.matches("offset: \\d+ position: \\d+")).count();
        long timeEntries = indexOut.stream().filter(l -> l.matches("timestamp: \\d+ offset: \\d+")).count();
        assertEquals(Files.size(index) / 8, offsetEntries, indexes.stdout());
        assertTrue(offsetEntries >= 2, "the small index interval gave several offset index entries:\n" + indexes.stdout());
        assertTrue(timeEntries >= 2, "and several time index entries:\n" + indexes.stdout());
        assertTrue(indexOut.contains("timestamp: " + (t0 + batches * perBatch - 1) + " offset: " + (batches * perBatch - 1)),
                "the last time index entry is the segment's largest timestamp:\n" + indexes.stdout());
        assertEquals(2 + offsetEntries + timeEntries, indexOut.size(), "only the two headers and the entries:\n" + indexes.stdout());
        assertNoToolErrors(indexes);
    }

    private static void assertNoToolErrors(Result r) {
        String all = r.stdout() + r.stderr();
        for (String bad : List.of("Mismatches", "mismatch", "not found", "out of order", "corrupt", "invalid bytes",
                "isvalid: false", "Exception", "ERROR")) {
            assertFalse(all.contains(bad), "DumpLogSegments reported '" + bad + "':\n" + all);
        }
    }

    private static Result topicCommand(String... args) throws Exception {
        return KafkaTools.run(broker.bootstrap(), "org.apache.kafka.tools.TopicCommand", args);
    }

    private static Result getOffsetShell(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", broker.bootstrap(), "--topic", "cli-offsets"));
        all.addAll(Arrays.asList(args));
        return KafkaTools.run(60, null, "org.apache.kafka.tools.GetOffsetShell", all.toArray(String[]::new)).assertSuccess();
    }

    private static List<String> lines(String s) {
        return s.lines().toList();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
