package dev.nagare.broker.it;

import static dev.nagare.broker.it.GroupScenarios.WAIT;
import static dev.nagare.broker.it.GroupScenarios.assertKeys;
import static dev.nagare.broker.it.GroupScenarios.produce;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.testing.BrokerUnderTest;
import dev.nagare.broker.testing.GroupClient;
import dev.nagare.broker.testing.GroupClient.Member;
import dev.nagare.broker.testing.GroupMember;

/**
 * Offset expiry (offsets.retention.minutes=1) seen by kcat, kafka-python and kafkajs. Before the tests, each client's
 * three groups read and commit 20 records on their own one-partition topics; the "earliest" and "latest" groups then
 * leave (their groups are empty), the "live" group's member stays. The retention period passes (at once: Nagare's
 * clock is moved; a peer Kafka makes it a real minute) and the broker deletes the empty groups' offsets; then each
 * test carries on with one client and one group.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GroupOffsetExpiryTest {

    static final int RETENTION_MINUTES = 1;

    private BrokerUnderTest broker;
    private final Map<GroupClient, GroupMember> liveMembers = new EnumMap<>(GroupClient.class);
    private final List<GroupMember> members = new ArrayList<>();

    @BeforeAll
    void commitThenLetTheOffsetsOfEmptyGroupsExpire(@TempDir Path dir) throws Exception {
        broker = BrokerUnderTest.start(dir.resolve("data"), Map.of(
                "group.initial.rebalance.delay.ms", "0",
                "offsets.topic.num.partitions", "3",
                "offsets.retention.minutes", Integer.toString(RETENTION_MINUTES),
                "offsets.retention.check.interval.ms", "500"));
        List<String> emptied = new ArrayList<>();
        try (Admin admin = broker.admin()) {
            for (GroupClient client : GroupClient.values()) {
                for (String kind : List.of("earliest", "latest", "live")) {
                    admin.createTopics(List.of(new NewTopic(name(client, kind), 1, (short) 1))).all().get();
                    produce(broker, name(client, kind), 0, 20);
                }
            }
            List<GroupMember> leaving = new ArrayList<>();
            for (GroupClient client : GroupClient.values()) {
                leaving.add(join(client, Member.of(name(client, "earliest"), name(client, "earliest"))));
                leaving.add(join(client, Member.of(name(client, "latest"), name(client, "latest"))));
                liveMembers.put(client, join(client, Member.of(name(client, "live"), name(client, "live"))));
                emptied.add(name(client, "earliest"));
                emptied.add(name(client, "latest"));
            }
            for (GroupMember m : members) {
                m.awaitRecords(20, WAIT);
            }
            for (GroupMember m : leaving) {
                m.stop();
            }
            long committedBy = System.nanoTime() + WAIT.toNanos();
            for (GroupClient client : GroupClient.values()) {
                for (String kind : List.of("earliest", "latest", "live")) {
                    Map<TopicPartition, Long> twenty = Map.of(new TopicPartition(name(client, kind), 0), 20L);
                    assertEquals(twenty, awaitCommitted(admin, name(client, kind), twenty::equals, committedBy),
                            "committed by the " + kind + " group of " + client);
                }
            }
            broker.passTime(Duration.ofMinutes(RETENTION_MINUTES).plusSeconds(1));
            long expiredBy = System.nanoTime() + WAIT.toNanos();
            for (String group : emptied) {
                assertEquals(Map.of(), awaitCommitted(admin, group, Map::isEmpty, expiredBy), "the offsets of empty group "
                        + group + ", " + RETENTION_MINUTES + " min + 1 s after it became empty");
            }
        }
    }

    @AfterAll
    void stopBroker() throws Exception {
        for (GroupMember m : members) {
            m.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void kcatEarliestReplaysEverythingAfterItsOffsetsExpired() throws Exception {
        earliestReplaysEverythingAfterItsOffsetsExpired(GroupClient.KCAT);
    }

    @Test
    void kafkaPythonEarliestReplaysEverythingAfterItsOffsetsExpired() throws Exception {
        earliestReplaysEverythingAfterItsOffsetsExpired(GroupClient.KAFKA_PYTHON);
    }

    @Test
    void kafkajsEarliestReplaysEverythingAfterItsOffsetsExpired() throws Exception {
        earliestReplaysEverythingAfterItsOffsetsExpired(GroupClient.KAFKAJS);
    }

    @Test
    void kcatLatestSkipsWhatArrivedWhileItsOffsetsWereExpired() throws Exception {
        latestSkipsWhatArrivedWhileItsOffsetsWereExpired(GroupClient.KCAT);
    }

    @Test
    void kafkaPythonLatestSkipsWhatArrivedWhileItsOffsetsWereExpired() throws Exception {
        latestSkipsWhatArrivedWhileItsOffsetsWereExpired(GroupClient.KAFKA_PYTHON);
    }

    @Test
    void kafkajsLatestSkipsWhatArrivedWhileItsOffsetsWereExpired() throws Exception {
        latestSkipsWhatArrivedWhileItsOffsetsWereExpired(GroupClient.KAFKAJS);
    }

    @Test
    void kcatLiveGroupKeepsItsOffsetsPastTheRetentionPeriod() throws Exception {
        liveGroupKeepsItsOffsetsPastTheRetentionPeriod(GroupClient.KCAT);
    }

    @Test
    void kafkaPythonLiveGroupKeepsItsOffsetsPastTheRetentionPeriod() throws Exception {
        liveGroupKeepsItsOffsetsPastTheRetentionPeriod(GroupClient.KAFKA_PYTHON);
    }

    @Test
    void kafkajsLiveGroupKeepsItsOffsetsPastTheRetentionPeriod() throws Exception {
        liveGroupKeepsItsOffsetsPastTheRetentionPeriod(GroupClient.KAFKAJS);
    }

    private void earliestReplaysEverythingAfterItsOffsetsExpired(GroupClient client) throws Exception {
        String name = name(client, "earliest");
        produce(broker, name, 20, 40);
        GroupMember m = join(client, Member.of(name, name));
        m.awaitRecords(40, WAIT);
        m.stop();
        assertKeys(keys(0, 40), m);
    }

    private void latestSkipsWhatArrivedWhileItsOffsetsWereExpired(GroupClient client) throws Exception {
        String name = name(client, "latest");
        produce(broker, name, 20, 40);
        GroupMember m = join(client, Member.of(name, name).reset("latest"));
        m.awaitPositioned(WAIT);
        produce(broker, name, 40, 60);
        m.awaitRecords(20, WAIT);
        m.stop();
        assertKeys(keys(40, 60), m);
    }

    private void liveGroupKeepsItsOffsetsPastTheRetentionPeriod(GroupClient client) throws Exception {
        String name = name(client, "live");
        try (Admin admin = broker.admin()) {
            assertEquals(Map.of(new TopicPartition(name, 0), 20L), committed(admin, name));
        }
        liveMembers.get(client).stop();
        produce(broker, name, 20, 40);
        GroupMember next = join(client, Member.of(name, name));
        next.awaitRecords(20, WAIT);
        next.stop();
        assertKeys(keys(20, 40), next);
    }

    private GroupMember join(GroupClient client, Member member) throws Exception {
        GroupMember m = client.join(broker.bootstrap(), member);
        members.add(m);
        return m;
    }

    private static String name(GroupClient client, String kind) {
        return "expiry-" + client.name().toLowerCase().replace('_', '-') + "-" + kind;
    }

    private static Set<String> keys(int from, int to) {
        Set<String> keys = new TreeSet<>();
        for (int i = from; i < to; i++) {
            keys.add("k-" + i);
        }
        return keys;
    }

    /** Reads the group's committed offsets until they are as expected or {@code deadline} (nanoTime); returns the last. */
    private static Map<TopicPartition, Long> awaitCommitted(Admin admin, String group,
            Predicate<Map<TopicPartition, Long>> expected, long deadline) throws Exception {
        Map<TopicPartition, Long> offsets = committed(admin, group);
        while (!expected.test(offsets) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            offsets = committed(admin, group);
        }
        return offsets;
    }

    private static Map<TopicPartition, Long> committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e
                : admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet()) {
            if (e.getValue() != null) {
                offsets.put(e.getKey(), e.getValue().offset());
            }
        }
        return offsets;
    }
}
