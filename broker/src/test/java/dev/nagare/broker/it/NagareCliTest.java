package dev.nagare.broker.it;

import static dev.nagare.broker.testing.CliRun.nagare;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.testing.CliRun;
import dev.nagare.broker.testing.TestBroker;
import dev.nagare.broker.testing.ToolTable;

/**
 * {@code nagare topics}, {@code nagare groups} and {@code nagare lag GROUP}, run in this JVM against a real broker:
 * offsets committed with the Admin client while no consumer runs, records with known timestamps, and the exact
 * figures the tables must show.
 */
class NagareCliTest {

    @TempDir
    static Path dir;

    private static TestBroker broker;
    private static Admin admin;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.start(dir, Map.of("offsets.topic.num.partitions", "1",
                "group.initial.rebalance.delay.ms", "0", "log.retention.check.interval.ms", "100"));
        admin = broker.admin();
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        broker.close();
    }

    @Test
    void lagShowsEachPartitionsCommittedAndEndOffsetLagAndTimeLagWithNoConsumerRunning() throws Exception {
        admin.createTopics(List.of(new NewTopic("orders", 3, (short) 1), new NewTopic("events", 1, (short) 1))).all().get();
        long base = System.currentTimeMillis() - 100_000;
        try (KafkaProducer<byte[], byte[]> p = broker.producer(Map.of("linger.ms", "1000"))) {
            for (int i = 0; i < 10; i++) { // a batch per record
                p.send(new ProducerRecord<>("orders", 0, base + 1000L * i, null, new byte[1]));
                p.flush();
            }
            for (int i = 0; i < 4; i++) {
                p.send(new ProducerRecord<>("orders", 1, base + 1000L * i, null, new byte[1]));
                p.flush();
            }
            for (int i = 0; i < 5; i++) { // one batch of five: the commit points into its middle
                p.send(new ProducerRecord<>("events", 0, base + 10_000L * i, null, new byte[1]));
            }
            p.flush();
        }
        admin.alterConsumerGroupOffsets("billing", Map.of(tp("orders", 0), new OffsetAndMetadata(3),
                tp("orders", 1), new OffsetAndMetadata(4), tp("orders", 2), new OffsetAndMetadata(0),
                tp("events", 0), new OffsetAndMetadata(2))).all().get();

        long before = System.currentTimeMillis();
        CliRun run = nagare("lag", "billing", "--bootstrap-server", broker.bootstrap(), "--http", http());
        long after = System.currentTimeMillis();

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("", run.err());
        assertTrue(run.out().startsWith("Consumer group 'billing': Empty, 0 members\nStatus: OK\n\n"), run.out());
        List<List<String>> rows = ToolTable.parse(run.out(),
                "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "TIME-LAG", "NOTE").rows();
        assertEquals(4, rows.size(), run.out());
        assertEquals(List.of("events", "0", "2", "5", "3"), rows.get(0).subList(0, 5));
        assertEquals(List.of("orders", "0", "3", "10", "7"), rows.get(1).subList(0, 5));
        assertEquals(List.of("orders", "1", "4", "4", "0", "0s", ""), rows.get(2));
        assertEquals(List.of("orders", "2", "0", "0", "0", "0s", ""), rows.get(3));
        long eventsAge = millis(rows.get(0).get(5));
        long ordersAge = millis(rows.get(1).get(5));
        assertAll(
                () -> assertAgeOf(base + 20_000, eventsAge, before, after, "record 2, inside the batch that starts at 0"),
                () -> assertAgeOf(base + 3000, ordersAge, before, after, "record 3"),
                () -> assertEquals("", rows.get(0).get(6)),
                () -> assertEquals("", rows.get(1).get(6)));

        List<List<String>> topics = ToolTable.parse(run.out(),
                "TOPIC", "PARTITIONS", "SumOffsetLag", "MaxOffsetLag", "MaxTimeLag", "STATUS").rows();
        assertEquals(List.of(List.of("events", "1", "3", "3", rows.get(0).get(5), "OK"),
                List.of("orders", "3", "7", "7", rows.get(1).get(5), "OK")), topics, "no history yet: OK");
    }

    @Test
    void aCommitBelowTheLogStartCountsFromTheLogStartAndIsMarked() throws Exception {
        admin.createTopics(List.of(new NewTopic("expiring", 1, (short) 1)
                .configs(Map.of("segment.ms", "1", "retention.ms", "60000")))).all().get();
        long now = System.currentTimeMillis();
        try (KafkaProducer<byte[], byte[]> p = broker.producer(Map.of())) {
            for (int i = 0; i < 3; i++) { // three hours old, each in a segment of its own (segment.ms=1): deleted
                p.send(new ProducerRecord<>("expiring", 0, now - 3 * 3600_000L + i, null, new byte[1])).get();
                Thread.sleep(5);
            }
            p.send(new ProducerRecord<>("expiring", 0, now - 5000, null, new byte[1])).get();
            p.send(new ProducerRecord<>("expiring", 0, now - 4000, null, new byte[1])).get();
        }
        admin.alterConsumerGroupOffsets("slow", Map.of(tp("expiring", 0), new OffsetAndMetadata(1))).all().get();
        awaitLogStart(tp("expiring", 0), 3);

        long before = System.currentTimeMillis();
        CliRun run = nagare("lag", "slow", "--bootstrap-server", broker.bootstrap(), "--http", http());
        long after = System.currentTimeMillis();

        assertEquals(0, run.exitCode(), run.toString());
        List<List<String>> rows = ToolTable.parse(run.out(),
                "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "TIME-LAG", "NOTE").rows();
        assertEquals(1, rows.size(), run.out());
        assertEquals(List.of("expiring", "0", "1", "5", "2"), rows.get(0).subList(0, 5), "lag from the log start 3");
        assertEquals("committed below log start 3", rows.get(0).get(6));
        assertAgeOf(now - 5000, millis(rows.get(0).get(5)), before, after, "record 3, the first still stored");
        assertEquals(List.of(List.of("expiring", "1", "2", "2", rows.get(0).get(5), "OK")), ToolTable.parse(run.out(),
                "TOPIC", "PARTITIONS", "SumOffsetLag", "MaxOffsetLag", "MaxTimeLag", "STATUS").rows());
    }

    @Test
    void groupsListsStateMembersAssignorAndSumOffsetLagAndLagShowsAssignedPartitionsWithoutACommit() throws Exception {
        admin.createTopics(List.of(new NewTopic("clicks", 2, (short) 1), new NewTopic("views", 1, (short) 1))).all().get();
        try (KafkaProducer<byte[], byte[]> p = broker.producer(Map.of())) {
            for (int i = 0; i < 6; i++) {
                p.send(new ProducerRecord<>("clicks", i % 2, null, new byte[1]));
                p.send(new ProducerRecord<>("views", 0, null, new byte[1]));
            }
            p.flush();
        }
        admin.alterConsumerGroupOffsets("audit", Map.of(tp("clicks", 0), new OffsetAndMetadata(1),
                tp("clicks", 1), new OffsetAndMetadata(0), tp("views", 0), new OffsetAndMetadata(4))).all().get();
        try (KafkaConsumer<byte[], byte[]> live = broker.consumer(Map.of("group.id", "live",
                "partition.assignment.strategy", "org.apache.kafka.clients.consumer.RoundRobinAssignor"))) {
            live.subscribe(List.of("clicks"));
            long deadline = System.currentTimeMillis() + 15_000;
            while (live.assignment().size() < 2 && System.currentTimeMillis() < deadline) {
                live.poll(Duration.ofMillis(100));
            }
            live.commitSync(Map.of(tp("clicks", 0), new OffsetAndMetadata(2)));

            CliRun groups = nagare("groups", "--bootstrap-server", broker.bootstrap());
            assertEquals(0, groups.exitCode(), groups.toString());
            List<List<String>> listed = ToolTable.parse(groups.out(),
                    "GROUP", "STATE", "MEMBERS", "ASSIGNOR", "TOPICS", "SumOffsetLag").rows();
            assertTrue(listed.contains(List.of("audit", "Empty", "0", "-", "2", "7")), groups.out());
            assertTrue(listed.contains(List.of("live", "Stable", "1", "roundrobin", "1", "1")), groups.out());

            CliRun lag = nagare("lag", "live", "--bootstrap-server", broker.bootstrap(), "--http", http());
            assertEquals(0, lag.exitCode(), lag.toString());
            assertTrue(lag.out().startsWith("Consumer group 'live': Stable, 1 member\nStatus: OK\n\n"), lag.out());
            List<List<String>> rows = ToolTable.parse(lag.out(),
                    "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "TIME-LAG", "NOTE").rows();
            assertEquals(List.of("clicks", "0", "2", "3", "1"), rows.get(0).subList(0, 5));
            assertEquals(List.of("clicks", "1", "-", "3", "-", "-", "assigned, nothing committed"), rows.get(1));
            assertEquals(List.of(List.of("clicks", "1", "1", "1", rows.get(0).get(5), "OK")), ToolTable.parse(lag.out(),
                    "TOPIC", "PARTITIONS", "SumOffsetLag", "MaxOffsetLag", "MaxTimeLag", "STATUS").rows());
        }
    }

    @Test
    void lagShowsTheStatusAsUnknownWithTheReasonWhenTheBrokersHttpApiDoesNotAnswer() throws Exception {
        admin.createTopics(List.of(new NewTopic("payments", 1, (short) 1))).all().get();
        try (KafkaProducer<byte[], byte[]> p = broker.producer(Map.of())) {
            p.send(new ProducerRecord<>("payments", 0, null, new byte[1])).get();
        }
        admin.alterConsumerGroupOffsets("refunds", Map.of(tp("payments", 0), new OffsetAndMetadata(0))).all().get();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }

        CliRun run = nagare("lag", "refunds", "--bootstrap-server", broker.bootstrap(),
                "--http", "http://127.0.0.1:" + closedPort);

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("", run.err());
        assertTrue(run.out().startsWith("Consumer group 'refunds': Empty, 0 members\n"
                + "Status: unknown (cannot connect to http://127.0.0.1:" + closedPort
                + "; give the broker's http.listeners address with --http URL)\n\n"), run.out());
        List<String> topic = ToolTable.parse(run.out(),
                "TOPIC", "PARTITIONS", "SumOffsetLag", "MaxOffsetLag", "MaxTimeLag", "STATUS").rows().get(0);
        assertEquals(List.of("payments", "1", "1", "1", topic.get(4), "-"), topic);
    }

    @Test
    void lagsHelpSaysWhereTheStatusComesFrom() {
        CliRun run = nagare("lag", "--help");

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("--http=URL"), run.out());
        assertTrue(run.out().contains("http://127.0.0.1:8080."), run.out());
        assertTrue(run.out().contains("STALL  lagging, and the committed offsets did not move"), run.out());
    }

    @Test
    void topicsListsPartitionsInternalFlagAndEachPartitionsLogStartAndEndOffsets() throws Exception {
        admin.createTopics(List.of(new NewTopic("ledger", 2, (short) 1))).all().get();
        try (KafkaProducer<byte[], byte[]> p = broker.producer(Map.of())) {
            for (int i = 0; i < 5; i++) {
                p.send(new ProducerRecord<>("ledger", 1, null, new byte[1]));
            }
            p.flush();
        }
        admin.alterConsumerGroupOffsets("ledger-reader", Map.of(tp("ledger", 1), new OffsetAndMetadata(5))).all().get();

        CliRun run = nagare("topics", "--bootstrap-server", broker.bootstrap());

        assertEquals(0, run.exitCode(), run.toString());
        List<List<String>> topics = ToolTable.parse(run.out(), "TOPIC", "PARTITIONS", "INTERNAL").rows();
        assertTrue(topics.contains(List.of("__consumer_offsets", "1", "true")), run.out());
        assertTrue(topics.contains(List.of("ledger", "2", "false")), run.out());
        List<List<String>> partitions = ToolTable.parse(run.out(),
                "TOPIC", "PARTITION", "LOG-START-OFFSET", "LOG-END-OFFSET").rows();
        assertTrue(partitions.contains(List.of("ledger", "0", "0", "0")), run.out());
        assertTrue(partitions.contains(List.of("ledger", "1", "0", "5")), run.out());
        assertEquals(partitions.stream().sorted((a, b) -> a.get(0).equals(b.get(0))
                        ? Integer.compare(Integer.parseInt(a.get(1)), Integer.parseInt(b.get(1))) : a.get(0).compareTo(b.get(0)))
                .toList(), partitions, "in topic and partition order");

        CliRun external = nagare("topics", "--exclude-internal", "--bootstrap-server", broker.bootstrap());
        assertTrue(ToolTable.parse(external.out(), "TOPIC", "PARTITIONS", "INTERNAL").rows().stream()
                .noneMatch(r -> r.get(0).equals("__consumer_offsets")), external.out());
    }

    @Test
    void anUnknownGroupIsReportedWithExitCodeOne() {
        CliRun run = nagare("lag", "no-such-group", "--bootstrap-server", broker.bootstrap());

        assertEquals(new CliRun(1, "", "Error: Consumer group 'no-such-group' does not exist.\n"), run);
    }

    @Test
    void anUnreachableBrokerIsReportedWithinTheTimeoutWithExitCodeOne() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        for (String command : List.of("lag some-group", "groups", "topics")) {
            List<String> args = new ArrayList<>(List.of(command.split(" ")));
            args.addAll(List.of("--bootstrap-server", "127.0.0.1:" + closedPort, "--timeout", "1000"));
            long start = System.nanoTime();
            CliRun run = nagare(args.toArray(String[]::new));
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertEquals(1, run.exitCode(), command + ": " + run);
            assertEquals("", run.out(), command);
            assertTrue(run.err().startsWith("Error: no answer from 127.0.0.1:" + closedPort
                    + " within 1000 ms; is a broker running there?"), command + ": " + run.err());
            assertEquals(1, run.err().lines().count(), command + ": " + run.err());
            assertTrue(tookMs < 3000, command + " took " + tookMs + " ms");
        }
    }

    /** The test broker's HTTP listener, as {@code --http} takes it. */
    private static String http() {
        return "http://127.0.0.1:" + broker.broker().httpAddress().orElseThrow().getPort();
    }

    /** A time lag, measured at some moment in [before, after], is that moment minus the record's timestamp. */
    private static void assertAgeOf(long timestamp, long lag, long before, long after, String what) {
        assertTrue(lag >= before - timestamp && lag <= after - timestamp,
                what + ": " + lag + " ms not in [" + (before - timestamp) + ", " + (after - timestamp) + "]");
    }

    private static final Pattern DURATION =
            Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(\\d+)(?:\\.(\\d{3}))?s");

    /** Reads a TIME-LAG cell ({@code 1m40.123s}) back as milliseconds. */
    private static long millis(String cell) {
        Matcher m = DURATION.matcher(cell);
        if (!m.matches()) {
            throw new AssertionError("not a duration: '" + cell + "'");
        }
        long[] unit = {86_400_000, 3_600_000, 60_000, 1000, 1};
        long total = 0;
        for (int g = 1; g <= 5; g++) {
            total += m.group(g) == null ? 0 : Long.parseLong(m.group(g)) * unit[g - 1];
        }
        return total;
    }

    private void awaitLogStart(TopicPartition tp, long offset) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        long start = -1;
        while (start < offset && System.currentTimeMillis() < deadline) {
            start = admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset();
            Thread.sleep(50);
        }
        assertEquals(offset, start, "retention moved the log start");
    }

    private static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }
}
