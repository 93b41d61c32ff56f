package dev.nagare.broker.it;

import static dev.nagare.broker.testing.Polling.pollAtLeast;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.consumer.StickyAssignor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.nagare.broker.testing.GroupMemberMain;
import dev.nagare.broker.testing.SkewedTime;
import dev.nagare.broker.testing.TestBroker;

/**
 * The consumer-group scenarios of the MSK deck, with the Java client against a real broker: pub-sub across groups,
 * partitions divided inside a group, rebalances, commits surviving restarts, at-least-once after a crash, offset
 * expiry with {@code auto.offset.reset}, and static membership. The broker's clock is a {@link SkewedTime}, so a
 * retention period passes in an instant.
 */
class ConsumerGroupsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private final SkewedTime time = new SkewedTime();
    private TestBroker broker;
    private Admin admin;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start(dir, Map.of("group.initial.rebalance.delay.ms", "0",
                "offsets.topic.num.partitions", "5", "offsets.retention.minutes", "1",
                "offsets.retention.check.interval.ms", "200"), time);
        admin = broker.admin();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        admin.close();
        broker.close();
    }

    @Test
    void everyGroupReceivesEveryRecord() throws Exception {
        createTopic("orders", 3);
        Set<String> sent = produce("orders", 0, 300);
        for (String group : List.of("billing", "shipping")) {
            KafkaConsumer<byte[], byte[]> c = consumer(group, Map.of());
            c.subscribe(List.of("orders"));
            assertEquals(sent, values(pollAtLeast(c, 300, WAIT)), group);
        }
    }

    @Test
    void partitionsAreDividedAmongMembersWithoutOverlap() throws Exception {
        createTopic("clicks", 4);
        KafkaConsumer<byte[], byte[]> a = consumer("analytics", Map.of());
        KafkaConsumer<byte[], byte[]> b = consumer("analytics", Map.of());
        a.subscribe(List.of("clicks"));
        b.subscribe(List.of("clicks"));
        List<ConsumerRecord<byte[], byte[]>> readA = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> readB = new ArrayList<>();
        pollBothUntil(a, b, readA, readB, () -> a.assignment().size() == 2 && b.assignment().size() == 2);
        produce("clicks", 0, 400);
        pollBothUntil(a, b, readA, readB, () -> readA.size() + readB.size() >= 400);
        for (int i = 0; i < 3; i++) { // nothing more arrives: no record twice
            a.poll(Duration.ofMillis(50)).forEach(readA::add);
            b.poll(Duration.ofMillis(50)).forEach(readB::add);
        }
        Set<TopicPartition> overlap = new HashSet<>(a.assignment());
        overlap.retainAll(b.assignment());
        assertEquals(Set.of(), overlap);
        Set<Integer> all = new TreeSet<>();
        a.assignment().forEach(tp -> all.add(tp.partition()));
        b.assignment().forEach(tp -> all.add(tp.partition()));
        assertEquals(Set.of(0, 1, 2, 3), all);
        Set<String> union = new HashSet<>(values(readA));
        union.addAll(values(readB));
        assertEquals(400, readA.size() + readB.size(), "each record read once in the group");
        assertEquals(400, union.size());
        readA.forEach(r -> assertTrue(a.assignment().contains(new TopicPartition(r.topic(), r.partition()))));
    }

    @ParameterizedTest
    @ValueSource(classes = {RangeAssignor.class, RoundRobinAssignor.class, StickyAssignor.class,
            CooperativeStickyAssignor.class})
    void everyAssignorOfTheClientDividesThePartitions(Class<?> assignor) throws Exception {
        String topic = "assigned-" + assignor.getSimpleName();
        createTopic(topic, 6);
        Map<String, Object> settings = Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor.getName());
        KafkaConsumer<byte[], byte[]> a = consumer("by-" + assignor.getSimpleName(), settings);
        KafkaConsumer<byte[], byte[]> b = consumer("by-" + assignor.getSimpleName(), settings);
        a.subscribe(List.of(topic));
        pollUntil(a, () -> a.assignment().size() == 6);
        b.subscribe(List.of(topic));
        pollBothUntil(a, b, new ArrayList<>(), new ArrayList<>(),
                () -> a.assignment().size() == 3 && b.assignment().size() == 3);
        Set<TopicPartition> both = new HashSet<>(a.assignment());
        both.addAll(b.assignment());
        assertEquals(6, both.size(), "disjoint and complete");
        assertEquals(assignorName(assignor), describeAssignor("by-" + assignor.getSimpleName()));
    }

    @Test
    void noneMakesTheClientFailWhenTheGroupHasNoCommittedOffset() throws Exception {
        createTopic("strict", 1);
        produce("strict", 0, 5);
        KafkaConsumer<byte[], byte[]> c = consumer("strict-group", Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"));
        c.subscribe(List.of("strict"));
        long deadline = System.nanoTime() + WAIT.toNanos();
        NoOffsetForPartitionException thrown = null;
        while (thrown == null && System.nanoTime() < deadline) {
            try {
                c.poll(Duration.ofMillis(100));
            } catch (NoOffsetForPartitionException e) {
                thrown = e;
            }
        }
        assertEquals(Set.of(new TopicPartition("strict", 0)), thrown == null ? null : thrown.partitions());
    }

    private String describeAssignor(String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).all().get().get(group).partitionAssignor();
    }

    private static String assignorName(Class<?> assignor) throws Exception {
        return ((ConsumerPartitionAssignor) assignor.getDeclaredConstructor().newInstance()).name();
    }

    @Test
    void rebalanceWhenAMemberJoinsLeavesOrStopsPolling() throws Exception {
        createTopic("events", 4);
        KafkaConsumer<byte[], byte[]> a = consumer("workers", Map.of());
        a.subscribe(List.of("events"));
        pollUntil(a, () -> a.assignment().size() == 4);

        KafkaConsumer<byte[], byte[]> b = consumer("workers", Map.of());
        b.subscribe(List.of("events"));
        pollBothUntil(a, b, new ArrayList<>(), new ArrayList<>(),
                () -> a.assignment().size() == 2 && b.assignment().size() == 2);

        b.close(); // leaves the group
        clients.remove(b);
        pollUntil(a, () -> a.assignment().size() == 4);

        KafkaConsumer<byte[], byte[]> slow = consumer("workers", Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 2000));
        slow.subscribe(List.of("events"));
        pollBothUntil(a, slow, new ArrayList<>(), new ArrayList<>(),
                () -> a.assignment().size() == 2 && slow.assignment().size() == 2);
        // slow stops polling: after max.poll.interval.ms it is out of the group and a gets everything back
        pollUntil(a, () -> a.assignment().size() == 4);
    }

    @Test
    void rebalanceWhenAMemberDies() throws Exception {
        createTopic("tasks", 4);
        KafkaConsumer<byte[], byte[]> survivor = consumer("crew", Map.of());
        survivor.subscribe(List.of("tasks"));
        pollUntil(survivor, () -> survivor.assignment().size() == 4);
        Process member = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), GroupMemberMain.class.getName(),
                broker.bootstrap(), "crew", "tasks", "6000").redirectErrorStream(true)
                .redirectOutput(dir.resolve("member.log").toFile()).start();
        try {
            pollUntil(survivor, () -> survivor.assignment().size() == 2);
            member.destroyForcibly().waitFor(); // SIGKILL: no LeaveGroup, no more heartbeats
            long killedAt = System.nanoTime();
            pollUntil(survivor, () -> survivor.assignment().size() == 4);
            long tookMs = (System.nanoTime() - killedAt) / 1_000_000;
            assertTrue(tookMs >= 3000, "the dead member's partitions moved only once its session ran out, after "
                    + tookMs + " ms");
        } finally {
            member.destroyForcibly();
        }
    }

    @Test
    void committedOffsetSurvivesConsumerAndBrokerRestart() throws Exception {
        createTopic("ledger", 1);
        produce("ledger", 0, 200);
        try (KafkaConsumer<byte[], byte[]> c = consumer("auditors", Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 120))) {
            clients.remove(c);
            c.subscribe(List.of("ledger"));
            pollAtLeast(c, 1, WAIT);
            c.commitSync(Map.of(new TopicPartition("ledger", 0), new OffsetAndMetadata(120)));
        }
        admin.close();
        broker.restart();
        admin = broker.admin();
        assertEquals(120, committed("auditors", new TopicPartition("ledger", 0)));
        KafkaConsumer<byte[], byte[]> again = consumer("auditors", Map.of());
        again.subscribe(List.of("ledger"));
        List<ConsumerRecord<byte[], byte[]>> rest = pollAtLeast(again, 80, WAIT);
        assertEquals(80, rest.size());
        assertEquals(120, rest.get(0).offset());
        assertEquals(199, rest.get(79).offset());
    }

    @Test
    void uncommittedRecordsAreDeliveredAgainAfterACrash() throws Exception {
        createTopic("payments", 1);
        produce("payments", 0, 100);
        KafkaConsumer<byte[], byte[]> first = consumer("processor", Map.of());
        first.subscribe(List.of("payments"));
        assertEquals(100, pollAtLeast(first, 100, WAIT).size());
        first.commitSync(Map.of(new TopicPartition("payments", 0), new OffsetAndMetadata(60)));
        first.close(Duration.ZERO); // gone without committing what it read after offset 60
        clients.remove(first);

        KafkaConsumer<byte[], byte[]> second = consumer("processor", Map.of());
        second.subscribe(List.of("payments"));
        List<ConsumerRecord<byte[], byte[]>> again = pollAtLeast(second, 40, WAIT);
        assertEquals(40, again.size());
        assertEquals(60, again.get(0).offset());
        assertEquals(IntStream.range(60, 100).mapToObj(i -> "v" + i).collect(Collectors.toSet()), values(again));
    }

    @Test
    void latestSkipsWhatArrivedWhileOffsetsWereExpired() throws Exception {
        createTopic("metrics", 1);
        commitEverythingThenLeave("dashboards", "metrics", 100);
        produce("metrics", 100, 50); // arrives while the group is away
        expireOffsetsOf("dashboards");

        KafkaConsumer<byte[], byte[]> c = consumer("dashboards", Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"));
        c.subscribe(List.of("metrics"));
        pollUntil(c, () -> c.assignment().size() == 1);
        assertEquals(150, c.position(new TopicPartition("metrics", 0)));
        produce("metrics", 150, 10);
        List<ConsumerRecord<byte[], byte[]>> got = pollAtLeast(c, 10, WAIT);
        assertEquals(IntStream.range(150, 160).mapToObj(i -> "v" + i).collect(Collectors.toSet()), values(got));
        assertEquals(10, got.size());
    }

    @Test
    void earliestReplaysEverythingAfterExpiry() throws Exception {
        createTopic("audit", 1);
        commitEverythingThenLeave("replayers", "audit", 100);
        produce("audit", 100, 50);
        expireOffsetsOf("replayers");

        KafkaConsumer<byte[], byte[]> c = consumer("replayers", Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        c.subscribe(List.of("audit"));
        List<ConsumerRecord<byte[], byte[]>> got = pollAtLeast(c, 150, WAIT);
        assertEquals(150, got.size());
        assertEquals(0, got.get(0).offset());
    }

    @Test
    void liveGroupKeepsItsOffsets() throws Exception {
        createTopic("stream", 1);
        produce("stream", 0, 20);
        KafkaConsumer<byte[], byte[]> c = consumer("live", Map.of());
        c.subscribe(List.of("stream"));
        assertEquals(20, pollAtLeast(c, 20, WAIT).size());
        c.commitSync();
        time.advance(Duration.ofMinutes(2).toMillis());
        long until = System.currentTimeMillis() + 1500; // several expiry checks, the member polling throughout
        while (System.currentTimeMillis() < until) {
            c.poll(Duration.ofMillis(100));
        }
        assertEquals(20, committed("live", new TopicPartition("stream", 0)));
    }

    @Test
    void staticMemberRejoinsWithoutRebalance() throws Exception {
        createTopic("jobs", 4);
        AtomicInteger revocationsOfB = new AtomicInteger();
        KafkaConsumer<byte[], byte[]> a = consumer("static", Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "a",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 30000));
        KafkaConsumer<byte[], byte[]> b = consumer("static", Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "b",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 30000));
        a.subscribe(List.of("jobs"));
        b.subscribe(List.of("jobs"), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty()) {
                    revocationsOfB.incrementAndGet();
                }
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            }
        });
        pollBothUntil(a, b, new ArrayList<>(), new ArrayList<>(),
                () -> a.assignment().size() == 2 && b.assignment().size() == 2);
        Set<TopicPartition> before = Set.copyOf(a.assignment());
        int generation = b.groupMetadata().generationId();
        int revokedBefore = revocationsOfB.get();

        a.close(); // a static member does not leave the group on close
        clients.remove(a);
        KafkaConsumer<byte[], byte[]> aAgain = consumer("static", Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "a",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 30000));
        aAgain.subscribe(List.of("jobs"));
        pollBothUntil(aAgain, b, new ArrayList<>(), new ArrayList<>(), () -> aAgain.assignment().size() == 2);
        assertEquals(before, aAgain.assignment());
        for (int i = 0; i < 5; i++) {
            b.poll(Duration.ofMillis(100));
        }
        assertEquals(generation, b.groupMetadata().generationId());
        assertEquals(generation, aAgain.groupMetadata().generationId());
        assertEquals(revokedBefore, revocationsOfB.get());
    }

    // ---------------------------------------------------------------- helpers

    private void commitEverythingThenLeave(String group, String topic, int records) throws Exception {
        produce(topic, 0, records);
        KafkaConsumer<byte[], byte[]> c = consumer(group, Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        c.subscribe(List.of(topic));
        assertEquals(records, pollAtLeast(c, records, WAIT).size());
        c.commitSync();
        c.close();
        clients.remove(c);
        assertEquals(records, committed(group, new TopicPartition(topic, 0)));
    }

    /** Moves the broker's clock past the retention period and waits for the expiry check to delete the offsets. */
    private void expireOffsetsOf(String group) throws Exception {
        time.advance(Duration.ofMinutes(1).toMillis() + 1000);
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        while (!admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().isEmpty()) {
            assertTrue(System.currentTimeMillis() < deadline, "offsets of " + group + " did not expire");
            Thread.sleep(50);
        }
    }

    private long committed(String group, TopicPartition tp) throws Exception {
        OffsetAndMetadata o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(tp);
        return o == null ? -1 : o.offset();
    }

    private void createTopic(String name, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    }

    private Set<String> produce(String topic, int from, int count) throws Exception {
        Set<String> values = new HashSet<>();
        try (KafkaProducer<byte[], byte[]> p = broker.producer(Map.of())) {
            for (int i = from; i < from + count; i++) {
                values.add("v" + i);
                p.send(new ProducerRecord<>(topic, ("k" + i).getBytes(StandardCharsets.UTF_8),
                        ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
            p.flush();
        }
        return values;
    }

    private KafkaConsumer<byte[], byte[]> consumer(String group, Map<String, Object> settings) {
        Map<String, Object> s = new HashMap<>();
        s.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        s.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        s.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
        s.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
        s.putAll(settings);
        KafkaConsumer<byte[], byte[]> c = broker.consumer(s);
        clients.add(c);
        return c;
    }

    private static Set<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).collect(Collectors.toSet());
    }

    private static void pollUntil(KafkaConsumer<byte[], byte[]> c, BooleanSupplier done) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not reached; assignment " + c.assignment());
            c.poll(Duration.ofMillis(100));
        }
    }

    private static void pollBothUntil(KafkaConsumer<byte[], byte[]> a, KafkaConsumer<byte[], byte[]> b,
                                      List<ConsumerRecord<byte[], byte[]>> readA,
                                      List<ConsumerRecord<byte[], byte[]>> readB, BooleanSupplier done) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline,
                    "condition not reached; assignments " + a.assignment() + " / " + b.assignment());
            a.poll(Duration.ofMillis(50)).forEach(readA::add);
            b.poll(Duration.ofMillis(50)).forEach(readB::add);
        }
    }
}
