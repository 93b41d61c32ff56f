package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.nagare.broker.testing.KafkaTools;
import dev.nagare.broker.testing.RawClient;
import dev.nagare.broker.testing.TestBroker;

/**
 * DescribeTopicPartitions (API 75), which Admin.describeTopics and {@code kafka-topics --describe} use on 4.x brokers:
 * its pages (ResponsePartitionLimit, Cursor, NextCursor), unknown topics, the request errors, and the client tools
 * that read it. Every expected response is what a Kafka 4.1 node answered; the class also runs against one
 * ({@code -Dnagare.test.peer.port=PORT}), which is how the expectations were taken.
 */
class DescribeTopicPartitionsTest {

    /** Topic authorized operations without an authorizer: every operation a topic has (bits 3-8, 10, 11). */
    private static final int ALL_TOPIC_OPERATIONS = 3576;

    private static Path dir;
    private static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("nagare-dtp");
        broker = TestBroker.startOrPeer(dir.resolve("data"), Map.of());
        try (Admin admin = broker.admin()) {
            Set<String> existing = admin.listTopics().names().get(); // a peer keeps them from an earlier run
            for (NewTopic topic : List.of(new NewTopic("zz-dtp-five", 5, (short) 1), new NewTopic("zz-dtp-one", 1, (short) 1))) {
                if (!existing.contains(topic.name())) {
                    admin.createTopics(List.of(topic)).all().get();
                }
            }
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void apiVersionsAdvertisesDescribeTopicPartitionsVersionZero() throws Exception {
        try (RawClient raw = broker.rawClient()) {
            ApiVersionsResponse versions = raw.roundTrip(new ApiVersionsRequest.Builder().build((short) 3));
            var api = versions.data().apiKeys().find(ApiKeys.DESCRIBE_TOPIC_PARTITIONS.id);
            assertEquals(List.of(0, 0), List.of((int) api.minVersion(), (int) api.maxVersion()));
        }
    }

    @Test
    void aPartitionLimitInsideATopicEndsThePageWithACursorToItsNextPartition() throws Exception {
        DescribeTopicPartitionsResponseData page = describe(List.of("zz-dtp-one", "zz-dtp-nosuch", "bad name!", "zz-dtp-five",
                "zz-dtp-five"), 3, null, 0);
        assertEquals(List.of(
                "bad name! error=17 id=" + Uuid.ZERO_UUID + " internal=false partitions=[] ops=" + ALL_TOPIC_OPERATIONS,
                "zz-dtp-five error=0 id=" + topicId("zz-dtp-five") + " internal=false partitions=[0, 1, 2] ops=" + ALL_TOPIC_OPERATIONS),
                topics(page), "sorted, each once; an unknown name does not count against the limit");
        assertEquals("zz-dtp-five:3", cursor(page));
        DescribeTopicPartitionsResponsePartition first = page.topics().find("zz-dtp-five").partitions().get(0);
        assertEquals(new DescribeTopicPartitionsResponsePartition().setPartitionIndex(0).setLeaderId(1).setLeaderEpoch(0)
                .setReplicaNodes(List.of(1)).setIsrNodes(List.of(1)).setEligibleLeaderReplicas(List.of())
                .setLastKnownElr(List.of()).setOfflineReplicas(List.of()), first);
    }

    @Test
    void aLimitUsedUpAtATopicsEndPointsTheCursorAtTheNextNameEvenAnUnknownOne() throws Exception {
        List<String> names = List.of("zz-dtp-one", "zz-dtp-zzz", "zz-dtp-nosuch", "zz-dtp-five");
        DescribeTopicPartitionsResponseData page = describe(names, 3, "zz-dtp-five", 3);
        assertEquals(List.of(
                "zz-dtp-five error=0 id=" + topicId("zz-dtp-five") + " internal=false partitions=[3, 4] ops=" + ALL_TOPIC_OPERATIONS,
                "zz-dtp-nosuch error=3 id=" + Uuid.ZERO_UUID + " internal=false partitions=[] ops=" + ALL_TOPIC_OPERATIONS,
                "zz-dtp-one error=0 id=" + topicId("zz-dtp-one") + " internal=false partitions=[0] ops=" + ALL_TOPIC_OPERATIONS),
                topics(page));
        assertEquals("zz-dtp-zzz:0", cursor(page));

        DescribeTopicPartitionsResponseData last = describe(names, 3, "zz-dtp-zzz", 0);
        assertEquals(List.of("zz-dtp-zzz error=3 id=" + Uuid.ZERO_UUID + " internal=false partitions=[] ops=" + ALL_TOPIC_OPERATIONS),
                topics(last), "names before the cursor's are left out");
        assertEquals("none", cursor(last));
    }

    @Test
    void allTopicsArePagedFromTheCursorAndALimitOfZeroCountsAsOne() throws Exception {
        DescribeTopicPartitionsResponseData page = describe(List.of(), 2, "zz-dtp-five", 4);
        assertEquals(List.of(
                "zz-dtp-five error=0 id=" + topicId("zz-dtp-five") + " internal=false partitions=[4] ops=" + ALL_TOPIC_OPERATIONS,
                "zz-dtp-one error=0 id=" + topicId("zz-dtp-one") + " internal=false partitions=[0] ops=" + ALL_TOPIC_OPERATIONS),
                topics(page));
        assertEquals("none", cursor(page));

        DescribeTopicPartitionsResponseData one = describe(List.of("zz-dtp-five"), 0, null, 0);
        assertEquals(List.of("zz-dtp-five error=0 id=" + topicId("zz-dtp-five") + " internal=false partitions=[0] ops=" + ALL_TOPIC_OPERATIONS),
                topics(one));
        assertEquals("zz-dtp-five:1", cursor(one));

        DescribeTopicPartitionsResponseData beyond = describe(List.of("zz-dtp-five", "zz-dtp-one"), 3, "zz-dtp-five", 9);
        assertEquals(List.of(
                "zz-dtp-five error=0 id=" + topicId("zz-dtp-five") + " internal=false partitions=[] ops=" + ALL_TOPIC_OPERATIONS,
                "zz-dtp-one error=0 id=" + topicId("zz-dtp-one") + " internal=false partitions=[0] ops=" + ALL_TOPIC_OPERATIONS),
                topics(beyond), "a cursor past the last partition describes none of that topic");
    }

    @Test
    void aCursorOutsideTheListOrBelowZeroFailsTheRequestWithInvalidRequest() throws Exception {
        assertEquals(List.of("zz-dtp-one error=42 id=" + Uuid.ZERO_UUID + " internal=false partitions=[] ops=" + Integer.MIN_VALUE),
                topics(describe(List.of("zz-dtp-one"), 3, "zz-dtp-five", 3)));
        assertEquals(List.of("zz-dtp-five error=42 id=" + Uuid.ZERO_UUID + " internal=false partitions=[] ops=" + Integer.MIN_VALUE),
                topics(describe(List.of("zz-dtp-five"), 3, "zz-dtp-five", -1)));
    }

    @Test
    void anUnknownInternalTopicNameIsMarkedInternal() throws Exception {
        DescribeTopicPartitionsResponseTopic t = describe(List.of("__transaction_state"), 1, null, 0).topics().find("__transaction_state");
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), t.errorCode());
        assertEquals(true, t.isInternal());
    }

    @Test
    void adminDescribeTopicsFollowsTheCursorAcrossPagesOfTwoPartitions() throws Exception {
        try (Admin admin = broker.admin()) {
            Map<String, TopicDescription> described = admin.describeTopics(TopicCollection.ofTopicNames(List.of("zz-dtp-five", "zz-dtp-one")),
                    new DescribeTopicsOptions().partitionSizeLimitPerResponse(2).includeAuthorizedOperations(true)).allTopicNames().get();
            Node self = new Node(1, "127.0.0.1", broker.port());
            List<TopicPartitionInfo> expected = new ArrayList<>();
            for (int p = 0; p < 5; p++) {
                expected.add(new TopicPartitionInfo(p, self, List.of(self), List.of(self), List.of(), List.of()));
            }
            TopicDescription five = described.get("zz-dtp-five");
            assertEquals(new TopicDescription("zz-dtp-five", false, expected, Set.of(AclOperation.READ, AclOperation.WRITE,
                    AclOperation.CREATE, AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE,
                    AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS), Uuid.fromString(topicId("zz-dtp-five"))), five);
            assertEquals(1, described.get("zz-dtp-one").partitions().size());

            ExecutionException unknown = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> admin.describeTopics(List.of("zz-dtp-five", "zz-dtp-nosuch"), new DescribeTopicsOptions().partitionSizeLimitPerResponse(2))
                            .topicNameValues().get("zz-dtp-nosuch").get());
            assertEquals(UnknownTopicOrPartitionException.class, unknown.getCause().getClass());
            assertEquals("This server does not host this topic-partition.", unknown.getCause().getMessage());
        }
    }

    @Test
    void kafkaTopicsDescribePrintsEveryPartitionWithItsEmptyElrWhenPagedByOne() throws Exception {
        String out = KafkaTools.run(broker.bootstrap(), "org.apache.kafka.tools.TopicCommand", "--describe", "--topic", "zz-dtp-five",
                "--partition-size-limit-per-response", "1").assertSuccess().stdout();
        StringBuilder expected = new StringBuilder("Topic: zz-dtp-five\tTopicId: " + topicId("zz-dtp-five")
                + "\tPartitionCount: 5\tReplicationFactor: 1\tConfigs: min.insync.replicas=1\n");
        for (int p = 0; p < 5; p++) {
            expected.append("\tTopic: zz-dtp-five\tPartition: ").append(p).append("\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: \n");
        }
        assertEquals(expected.toString(), out);

        KafkaTools.Result missing = KafkaTools.run(broker.bootstrap(), "org.apache.kafka.tools.TopicCommand", "--describe", "--topic", "zz-dtp-nosuch");
        assertEquals(1, missing.exitCode());
        assertEquals("Error while executing topic command : Topic 'zz-dtp-nosuch' does not exist as expected", missing.stdout().lines().findFirst().orElse(""));
    }

    private static DescribeTopicPartitionsResponseData describe(List<String> names, int limit, String cursorTopic, int cursorPartition)
            throws Exception {
        DescribeTopicPartitionsRequestData data = new DescribeTopicPartitionsRequestData().setResponsePartitionLimit(limit);
        for (String name : names) {
            data.topics().add(new DescribeTopicPartitionsRequestData.TopicRequest().setName(name));
        }
        if (cursorTopic != null) {
            data.setCursor(new DescribeTopicPartitionsRequestData.Cursor().setTopicName(cursorTopic).setPartitionIndex(cursorPartition));
        }
        try (RawClient raw = broker.rawClient()) {
            DescribeTopicPartitionsResponse response = raw.roundTrip(new DescribeTopicPartitionsRequest.Builder(data).build((short) 0));
            return response.data();
        }
    }

    private static List<String> topics(DescribeTopicPartitionsResponseData data) {
        List<String> out = new ArrayList<>();
        for (DescribeTopicPartitionsResponseTopic t : data.topics()) {
            out.add(t.name() + " error=" + t.errorCode() + " id=" + t.topicId() + " internal=" + t.isInternal() + " partitions="
                    + t.partitions().stream().map(DescribeTopicPartitionsResponsePartition::partitionIndex).toList()
                    + " ops=" + t.topicAuthorizedOperations());
        }
        return out;
    }

    private static String cursor(DescribeTopicPartitionsResponseData data) {
        return data.nextCursor() == null ? "none" : data.nextCursor().topicName() + ":" + data.nextCursor().partitionIndex();
    }

    private static String topicId(String name) throws Exception {
        try (Admin admin = broker.admin()) {
            return admin.describeTopics(List.of(name)).allTopicNames().get().get(name).topicId().toString();
        }
    }
}
