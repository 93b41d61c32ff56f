package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.CreatePartitionsResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.testing.KafkaTools;
import dev.nagare.broker.testing.KafkaTools.Result;
import dev.nagare.broker.testing.Polling;
import dev.nagare.broker.testing.RawClient;
import dev.nagare.broker.testing.SharedBroker;
import dev.nagare.broker.testing.TestBroker;

/**
 * CreatePartitions through the AdminClient, {@code kafka-topics --alter --partitions} and exact requests. The expected
 * errors and messages are what a Kafka 4.1 node answered to the same requests (checked with
 * {@code /work/shared/tools/peer-kafka}).
 */
class CreatePartitionsTest {

    @RegisterExtension
    static final SharedBroker shared = new SharedBroker();

    @Test
    void newPartitionsTakeRecordsAndSurviveARestart(@TempDir Path own) throws Exception {
        try (TestBroker b = TestBroker.start(own.resolve("data"))) {
            b.createTopic("grown", 1, Map.of());
            try (Admin admin = b.admin()) {
                admin.createPartitions(Map.of("grown", NewPartitions.increaseTo(3))).all().get();
                assertEquals(3, partitionCount(admin, "grown"));
            }
            try (KafkaProducer<byte[], byte[]> producer = b.producer(Map.of())) {
                RecordMetadata m = producer.send(new ProducerRecord<>("grown", 2, null, bytes("in the new partition"))).get();
                assertEquals(2, m.partition());
                assertEquals(0, m.offset());
                assertEquals(3, producer.partitionsFor("grown").size());
            }
            b.restart();
            try (Admin admin = b.admin()) {
                assertEquals(3, partitionCount(admin, "grown"));
            }
            try (KafkaConsumer<byte[], byte[]> consumer = b.consumer(Map.of())) {
                TopicPartition p2 = new TopicPartition("grown", 2);
                consumer.assign(List.of(p2));
                consumer.seekToBeginning(List.of(p2));
                List<ConsumerRecord<byte[], byte[]>> got = Polling.pollAtLeast(consumer, 1, Duration.ofSeconds(10));
                assertEquals(List.of("in the new partition"), got.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList());
            }
        }
    }

    @Test
    void validateOnlyChecksButAddsNothing() throws Exception {
        shared.broker().createTopic("validate-only", 2, Map.of());
        try (Admin admin = shared.broker().admin()) {
            admin.createPartitions(Map.of("validate-only", NewPartitions.increaseTo(5)),
                    new CreatePartitionsOptions().validateOnly(true)).all().get();
            assertEquals(2, partitionCount(admin, "validate-only"));
            ExecutionException e = assertThrows(ExecutionException.class, () -> admin.createPartitions(
                    Map.of("validate-only", NewPartitions.increaseTo(2)), new CreatePartitionsOptions().validateOnly(true)).all().get());
            assertInstanceOf(InvalidPartitionsException.class, e.getCause());
            assertEquals("Topic already has 2 partition(s).", e.getCause().getMessage());
        }
    }

    @Test
    void kafkaTopicsAlterPartitionsAddsPartitionsAndRefusesFewer() throws Exception {
        topicCommand("--create", "--topic", "cli-alter", "--partitions", "2").assertSuccess();
        topicCommand("--alter", "--topic", "cli-alter", "--partitions", "4").assertSuccess();
        String describe = topicCommand("--describe", "--topic", "cli-alter").assertSuccess().stdout();
        assertEquals(5, describe.lines().count(), describe);
        assertEquals(true, describe.lines().findFirst().orElseThrow().contains("\tPartitionCount: 4\t"), describe);

        Result fewer = topicCommand("--alter", "--topic", "cli-alter", "--partitions", "3");
        assertEquals(1, fewer.exitCode());
        assertEquals("Error while executing topic command : The topic cli-alter currently has 4 partition(s); 3 would not be an increase.",
                fewer.stdout().strip());
        Result same = topicCommand("--alter", "--topic", "cli-alter", "--partitions", "4");
        assertEquals(1, same.exitCode());
        assertEquals("Error while executing topic command : Topic already has 4 partition(s).", same.stdout().strip());
    }

    @Test
    void eachTopicGetsKafkasErrorForWhatIsWrongWithIt() throws Exception {
        shared.broker().createTopic("cp-errors", 2, Map.of());
        List<CreatePartitionsTopic> topics = new ArrayList<>(List.of(
                topic("cp-errors", 1),
                topic("no-such-topic", 3),
                topic("cp-errors", 2)));
        // The duplicate of cp-errors takes both entries: one INVALID_REQUEST result, nothing else checked.
        for (short v = ApiKeys.CREATE_PARTITIONS.oldestVersion(); v <= ApiKeys.CREATE_PARTITIONS.latestVersion(); v++) {
            List<CreatePartitionsTopicResult> results = send(topics, true, v);
            assertEquals(List.of("cp-errors: INVALID_REQUEST Duplicate topic name.",
                    "no-such-topic: UNKNOWN_TOPIC_OR_PARTITION null"), describe(results), "v" + v);
        }

        assertEquals(List.of("cp-errors: INVALID_PARTITIONS The topic cp-errors currently has 2 partition(s); 1 would not be an increase."),
                describe(send(List.of(topic("cp-errors", 1)), true, (short) 3)));
        assertEquals(List.of("cp-errors: INVALID_PARTITIONS The topic cp-errors currently has 2 partition(s); -1 would not be an increase."),
                describe(send(List.of(topic("cp-errors", -1)), true, (short) 3)));
    }

    @Test
    void givenAssignmentsMustNameThisNodeOncePerNewPartition() throws Exception {
        shared.broker().createTopic("cp-assign", 2, Map.of());
        assertEquals(List.of("cp-assign: INVALID_REPLICA_ASSIGNMENT Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified."),
                describe(send(List.of(topic("cp-assign", 4, List.of(1))), true, (short) 3)));
        assertEquals(List.of("cp-assign: INVALID_REPLICA_ASSIGNMENT Attempted to add 1 additional partition(s), but only 0 assignment(s) were specified."),
                describe(send(List.of(topic("cp-assign", 3).setAssignments(List.of())), true, (short) 3)));
        assertEquals(List.of("cp-assign: INVALID_REPLICA_ASSIGNMENT The manual partition assignment includes broker 2, but no such broker is registered."),
                describe(send(List.of(topic("cp-assign", 3, List.of(1, 2))), true, (short) 3)));
        assertEquals(List.of("cp-assign: INVALID_REPLICA_ASSIGNMENT The manual partition assignment includes the broker 1 more than once."),
                describe(send(List.of(topic("cp-assign", 3, List.of(1, 1))), true, (short) 3)));
        assertEquals(List.of("cp-assign: INVALID_REPLICA_ASSIGNMENT The manual partition assignment includes an empty replica list."),
                describe(send(List.of(topic("cp-assign", 3, List.of())), true, (short) 3)));

        assertEquals(List.of("cp-assign: NONE null"), describe(send(List.of(topic("cp-assign", 3, List.of(1))), false, (short) 3)));
        try (Admin admin = shared.broker().admin()) {
            assertEquals(3, partitionCount(admin, "cp-assign"));
        }
    }

    @Test
    void consumerOffsetsKeepsItsPartitionCount() throws Exception {
        try (Admin admin = shared.broker().admin()) {
            shared.broker().createTopic("cp-group-topic", 1, Map.of());
            admin.alterConsumerGroupOffsets("cp-group", Map.of(new TopicPartition("cp-group-topic", 0),
                    new org.apache.kafka.clients.consumer.OffsetAndMetadata(0))).all().get();
            assertEquals(List.of("__consumer_offsets: INVALID_REQUEST The partition count of __consumer_offsets is fixed:"
                            + " groups would move away from their committed offsets."),
                    describe(send(List.of(topic("__consumer_offsets", 60)), true, (short) 3)));
            assertEquals(50, partitionCount(admin, "__consumer_offsets"));
        }
    }

    private static CreatePartitionsTopic topic(String name, int count, List<Integer>... assignments) {
        CreatePartitionsTopic t = new CreatePartitionsTopic().setName(name).setCount(count).setAssignments(null);
        if (assignments.length > 0) {
            List<CreatePartitionsAssignment> list = new ArrayList<>();
            for (List<Integer> brokers : assignments) {
                list.add(new CreatePartitionsAssignment().setBrokerIds(brokers));
            }
            t.setAssignments(list);
        }
        return t;
    }

    private static List<CreatePartitionsTopicResult> send(List<CreatePartitionsTopic> topics, boolean validateOnly,
                                                          short version) throws Exception {
        CreatePartitionsRequestData data = new CreatePartitionsRequestData().setTimeoutMs(5000).setValidateOnly(validateOnly);
        topics.forEach(t -> data.topics().add(t.duplicate()));
        try (RawClient raw = new RawClient("127.0.0.1", shared.broker().port())) {
            CreatePartitionsResponse response = raw.roundTrip(new CreatePartitionsRequest.Builder(data).build(version));
            return response.data().results();
        }
    }

    private static List<String> describe(List<CreatePartitionsTopicResult> results) {
        return results.stream().map(r -> r.name() + ": " + Errors.forCode(r.errorCode()) + " " + r.errorMessage()).toList();
    }

    private static int partitionCount(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    }

    private static Result topicCommand(String... args) throws Exception {
        return KafkaTools.run(shared.broker().bootstrap(), "org.apache.kafka.tools.TopicCommand", args);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
