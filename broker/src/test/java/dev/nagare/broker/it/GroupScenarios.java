package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.testing.BrokerUnderTest;
import dev.nagare.broker.testing.GroupClient;
import dev.nagare.broker.testing.GroupClient.Member;
import dev.nagare.broker.testing.GroupMember;
import dev.nagare.broker.testing.GroupMember.Assigned;
import dev.nagare.broker.testing.GroupMember.Event;
import dev.nagare.broker.testing.GroupMember.Record;
import dev.nagare.broker.testing.GroupMember.Revoked;

/**
 * Consumer-group scenarios written once and run by each non-Java client's test class, which names them as sentences
 * about that client and leaves out what the client cannot do. One broker per class; each test has its own topic and
 * groups, named after the test. Records are {@code k-N}/{@code v-N}; assertions compare the exact keys received.
 */
abstract class GroupScenarios {

    /** Kafka's smallest allowed session timeout (group.min.session.timeout.ms), to keep the tests short. */
    static final int SESSION_TIMEOUT_MS = 6000;
    /** How long to wait for what should take a second or two: joins, reads of a few hundred records. */
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    static BrokerUnderTest broker;

    private final List<GroupMember> members = new ArrayList<>();
    private String name;

    abstract GroupClient client();

    @BeforeAll
    static void startBroker() throws Exception {
        broker = BrokerUnderTest.start(dir.resolve("data"), Map.of(
                "group.initial.rebalance.delay.ms", "0",
                "offsets.topic.num.partitions", "3"));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void nameAfterTheTest(TestInfo test) {
        name = test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void killMembers() throws InterruptedException {
        for (GroupMember m : members) {
            m.close();
        }
    }

    void everyGroupReceivesEveryRecord() throws Exception {
        String topic = createTopic(3);
        Map<String, TopicPartition> produced = produce(topic, 0, 200);
        GroupMember a = join(Member.of(name + "-a", topic));
        GroupMember b = join(Member.of(name + "-b", topic));
        a.awaitRecords(200, WAIT);
        b.awaitRecords(200, WAIT);
        a.stop();
        b.stop();
        assertKeys(produced.keySet(), a);
        assertKeys(produced.keySet(), b);
    }

    void partitionsAreDividedAmongMembersWithoutOverlap() throws Exception {
        String topic = createTopic(4);
        GroupMember a = join(Member.of(name, topic));
        a.awaitAssignment("all 4 partitions", WAIT, p -> p.equals(partitions(topic, 0, 1, 2, 3)));
        GroupMember b = join(Member.of(name, topic));
        List<Set<TopicPartition>> halves = awaitHalves(topic, a, b);
        Set<TopicPartition> ofA = halves.get(0);
        Set<TopicPartition> ofB = halves.get(1);

        Map<String, TopicPartition> produced = produce(topic, 0, 200);
        Set<String> forA = keysIn(produced, ofA);
        Set<String> forB = keysIn(produced, ofB);
        a.awaitRecords(forA.size(), WAIT);
        b.awaitRecords(forB.size(), WAIT);
        assertEquals(ofA, a.assignment(), "no rebalance while reading\n" + a.describe());
        assertEquals(ofB, b.assignment(), "no rebalance while reading\n" + b.describe());
        a.stop();
        b.stop();
        assertKeys(forA, a);
        assertKeys(forB, b);
    }

    /**
     * A joins alone; B joins and takes half; B leaves cleanly (LeaveGroup), so A has everything again sooner than a
     * session timeout; C joins and takes half; C is killed, so A has everything again once C's session has expired,
     * and not before.
     */
    void membersJoiningLeavingAndDyingRebalanceThePartitions() throws Exception {
        String topic = createTopic(4);
        Set<TopicPartition> all = partitions(topic, 0, 1, 2, 3);
        GroupMember a = join(Member.of(name, topic));
        a.awaitAssignment("all 4 partitions", WAIT, all::equals);

        GroupMember b = join(Member.of(name, topic));
        awaitHalves(topic, a, b);

        b.stop();
        a.awaitAssignment("all 4 partitions, before a session timeout since B left", Duration.ofMillis(SESSION_TIMEOUT_MS),
                all::equals);

        GroupMember c = join(Member.of(name, topic));
        awaitHalves(topic, a, c);

        long killed = System.nanoTime();
        c.kill();
        Assigned everything = a.awaitAssignment("all 4 partitions once C's session expired",
                Duration.ofMillis(SESSION_TIMEOUT_MS).plus(WAIT), all::equals);
        long afterMs = TimeUnit.NANOSECONDS.toMillis(everything.nanos() - killed);
        // C's last heartbeat was at most one interval before the kill; allow half a second for clocks and scheduling.
        long earliestMs = SESSION_TIMEOUT_MS - GroupClient.HEARTBEAT_INTERVAL_MS - 500;
        assertTrue(afterMs >= earliestMs, "A got C's partitions " + afterMs + " ms after C was killed, before C's session ("
                + SESSION_TIMEOUT_MS + " ms) can have expired\n" + a.describe());
    }

    void committedOffsetSurvivesConsumerRestartAndBrokerRestart() throws Exception {
        String topic = createTopic(2);
        assertKeys(produce(topic, 0, 100).keySet(), readAndLeave(Member.of(name, topic), 100));
        assertKeys(produce(topic, 100, 200).keySet(), readAndLeave(Member.of(name, topic), 100));
        broker.restart();
        assertKeys(produce(topic, 200, 300).keySet(), readAndLeave(Member.of(name, topic), 100));
    }

    void uncommittedRecordsAreDeliveredAgainAfterACrash() throws Exception {
        String topic = createTopic(2);
        assertKeys(produce(topic, 0, 50).keySet(), readAndLeave(Member.of(name, topic), 50));

        Set<String> uncommitted = produce(topic, 50, 100).keySet();
        GroupMember crashing = join(Member.of(name, topic).withoutCommits());
        crashing.awaitRecords(50, WAIT);
        crashing.kill();
        assertKeys(uncommitted, crashing);

        assertKeys(uncommitted, readAndLeave(Member.of(name, topic), 50));
    }

    /**
     * A, static, and B, dynamic, share the topic; A stops (a static member sends no LeaveGroup) and starts again with
     * the same group.instance.id within its session timeout: it gets its partitions back and B is not disturbed,
     * neither then nor when A's old session would have expired.
     */
    void staticMemberRejoinsWithinItsSessionTimeoutWithoutARebalance() throws Exception {
        String topic = createTopic(4);
        Member staticA = Member.of(name, topic).instanceId(name + "-a");
        GroupMember a = join(staticA);
        a.awaitAssignment("all 4 partitions", WAIT, p -> p.size() == 4);
        GroupMember b = join(Member.of(name, topic));
        List<Set<TopicPartition>> halves = awaitHalves(topic, a, b);
        Set<TopicPartition> ofA = halves.get(0);
        Set<TopicPartition> ofB = halves.get(1);
        int eventsOfB = b.events().size();

        a.stop();
        long stopped = System.nanoTime();
        GroupMember again = join(staticA);
        assertEquals(ofA, again.awaitAssignment("the partitions it had", Duration.ofMillis(SESSION_TIMEOUT_MS), p -> !p.isEmpty())
                .partitions(), again.describe());
        // Nothing to wait for: the point is that nothing happens until well past the old session's expiry.
        TimeUnit.NANOSECONDS.sleep(stopped + TimeUnit.MILLISECONDS.toNanos(SESSION_TIMEOUT_MS + 2000) - System.nanoTime());

        List<Event> afterwards = b.events().subList(eventsOfB, b.events().size());
        assertTrue(afterwards.stream().noneMatch(e -> e instanceof Assigned || e instanceof Revoked),
                "B saw a rebalance when static A came back: " + afterwards + "\n" + b.describe());
        assertEquals(ofB, b.assignment());
        assertEquals(ofA, again.assignment(), again.describe());
        assertEquals(1, again.events().stream().filter(e -> e instanceof Assigned).count(), again.describe());
    }

    // ---- helpers

    GroupMember join(Member member) throws Exception {
        GroupMember m = client().join(broker.bootstrap(), member);
        members.add(m);
        return m;
    }

    /** Starts a member, waits for {@code count} records, and stops it cleanly. */
    GroupMember readAndLeave(Member member, int count) throws Exception {
        GroupMember m = join(member);
        m.awaitRecords(count, WAIT);
        m.stop();
        return m;
    }

    String createTopic(int partitions) throws Exception {
        String topic = client().name().toLowerCase().replace('_', '-') + "-" + name;
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
        return topic;
    }

    /** Produces {@code k-N}/{@code v-N} for N in [from, to), keyed (so spread over the partitions); returns where each went. */
    static Map<String, TopicPartition> produce(String topic, int from, int to) throws Exception {
        return produce(broker, topic, from, to);
    }

    static Map<String, TopicPartition> produce(BrokerUnderTest broker, String topic, int from, int to) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        Map<String, Future<RecordMetadata>> sent = new LinkedHashMap<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < to; i++) {
                sent.put("k-" + i, producer.send(new ProducerRecord<>(topic, "k-" + i, "v-" + i)));
            }
        }
        Map<String, TopicPartition> where = new LinkedHashMap<>();
        for (Map.Entry<String, Future<RecordMetadata>> e : sent.entrySet()) {
            RecordMetadata m = e.getValue().get();
            where.put(e.getKey(), new TopicPartition(m.topic(), m.partition()));
        }
        return where;
    }

    /** The member received exactly these keys, each once, each with its value. */
    static void assertKeys(Set<String> expected, GroupMember member) {
        List<Record> records = member.records();
        List<String> keys = records.stream().map(Record::key).sorted().toList();
        assertEquals(List.copyOf(new TreeSet<>(expected)), keys, member.describe());
        for (Record r : records) {
            assertEquals("v-" + r.key().substring(2), r.value(), member.describe());
        }
    }

    static Set<TopicPartition> partitions(String topic, int... numbers) {
        Set<TopicPartition> set = new HashSet<>();
        for (int n : numbers) {
            set.add(new TopicPartition(topic, n));
        }
        return set;
    }

    private static Set<String> keysIn(Map<String, TopicPartition> produced, Set<TopicPartition> assignment) {
        Set<String> keys = new TreeSet<>();
        produced.forEach((key, tp) -> {
            if (assignment.contains(tp)) {
                keys.add(key);
            }
        });
        return keys;
    }

    /**
     * Waits until the two members of a group on a 4-partition topic hold two partitions each, and checks that together
     * they hold each partition once; returns their assignments.
     */
    private static List<Set<TopicPartition>> awaitHalves(String topic, GroupMember one, GroupMember other)
            throws InterruptedException {
        Set<TopicPartition> ofOne = one.awaitAssignment("2 partitions", WAIT, p -> p.size() == 2).partitions();
        Set<TopicPartition> ofOther = other.awaitAssignment("2 partitions", WAIT, p -> p.size() == 2).partitions();
        assertDividedBetween(topic, ofOne, ofOther);
        return List.of(ofOne, ofOther);
    }

    private static void assertDividedBetween(String topic, Set<TopicPartition> one, Set<TopicPartition> other) {
        Set<TopicPartition> both = new HashSet<>(one);
        both.retainAll(other);
        assertEquals(Set.of(), both, "assignments overlap: " + one + " and " + other);
        Set<TopicPartition> union = new HashSet<>(one);
        union.addAll(other);
        assertEquals(partitions(topic, 0, 1, 2, 3), union, "assignments do not cover the topic: " + one + " and " + other);
    }
}
