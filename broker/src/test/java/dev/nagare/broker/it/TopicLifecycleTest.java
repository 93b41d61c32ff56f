package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.testing.Polling;
import dev.nagare.broker.testing.RawClient;
import dev.nagare.broker.testing.TestBroker;

/** Topics come and go: auto-creation with num.partitions, ids that persist, deletion. */
class TopicLifecycleTest {

    @TempDir
    Path dir;

    @Test
    void producingToAnUnknownTopicCreatesItWithNumPartitions() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, Map.of("num.partitions", "4"));
             KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of());
             Admin admin = broker.admin()) {
            RecordMetadata m = producer.send(new ProducerRecord<>("auto", 3, null, "x".getBytes())).get();
            assertEquals(0, m.offset());
            TopicDescription d = admin.describeTopics(List.of("auto")).allTopicNames().get().get("auto");
            assertEquals(4, d.partitions().size());
            assertEquals(1, d.partitions().get(0).leader().id());
            assertEquals(1, d.partitions().get(0).isr().size());
        }
    }

    @Test
    void noTopicIsCreatedWhenAutoCreationIsOff() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, Map.of("auto.create.topics.enable", "false"));
             Admin admin = broker.admin()) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> admin.describeTopics(List.of("nope")).allTopicNames().get());
            assertTrue(e.getCause() instanceof UnknownTopicOrPartitionException, e.toString());
            assertEquals(Set.of(), admin.listTopics().names().get());
        }
    }

    @Test
    void aTopicOfTenThousandPartitionsIsCreatedWhileItsNetworkThreadKeepsAnsweringOtherConnections() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, Map.of("num.network.threads", "1"));
             Admin admin = broker.admin()) {
            KafkaFuture<Void> created = admin.createTopics(List.of(new NewTopic("wide", 10_000, (short) 1))).all();
            assertAnsweredWhileCreating(broker, "wide", 10_000);

            created.get(120, TimeUnit.SECONDS);
            assertTrue(Files.isDirectory(broker.dataDir().resolve("wide-9999")));
            assertEquals(10_000, admin.describeTopics(List.of("wide")).allTopicNames().get().get("wide").partitions().size());
            admin.deleteTopics(List.of("wide")).all().get(60, TimeUnit.SECONDS);
            assertEquals(Set.of(), admin.listTopics().names().get());
            assertFalse(Files.exists(broker.dataDir().resolve("wide-0")));
        }
    }

    @Test
    void aTopicAutoCreatedByMetadataIsCreatedWhileItsNetworkThreadKeepsAnsweringOtherConnections() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, Map.of("num.network.threads", "1", "num.partitions", "10000"));
             RawClient asking = broker.rawClient()) {
            asking.send(new MetadataRequest.Builder(new MetadataRequestData().setAllowAutoTopicCreation(true)
                    .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("auto-wide")))).build((short) 12));
            assertAnsweredWhileCreating(broker, "auto-wide", 10_000);

            MetadataResponse answer = (MetadataResponse) asking.receive(ApiKeys.METADATA, (short) 12).response();
            MetadataResponseData.MetadataResponseTopic topic = answer.data().topics().find("auto-wide");
            assertEquals(Errors.NONE.code(), topic.errorCode());
            assertEquals(10_000, topic.partitions().size());
            assertTrue(Files.isDirectory(broker.dataDir().resolve("auto-wide-9999")));
        }
    }

    /**
     * Waits until the first of the topic's partition directories exists, then asks ApiVersions on a new connection
     * (with one network thread, on the same event loop as the creating request) and checks that the answer came
     * before the last partition's directory was made.
     */
    private static void assertAnsweredWhileCreating(TestBroker broker, String topic, int partitions) throws Exception {
        Path first = broker.dataDir().resolve(topic + "-0");
        Path last = broker.dataDir().resolve(topic + "-" + (partitions - 1));
        Polling.await(() -> Files.isDirectory(first), Duration.ofSeconds(60), "the first partition's directory");
        try (RawClient other = broker.rawClient()) {
            ApiVersionsResponse answer = other.roundTrip(new ApiVersionsRequest.Builder().build((short) 3));
            assertEquals(Errors.NONE.code(), answer.data().errorCode());
        }
        assertFalse(Files.exists(last), "answered while the topic's partitions were still being created");
    }

    @Test
    void aDeletedTopicDisappearsWithItsDataAndItsIdStaysStableUntilThen() throws Exception {
        try (TestBroker broker = TestBroker.start(dir)) {
            org.apache.kafka.common.Uuid id;
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic("doomed", 2, (short) 1), new NewTopic("kept", 1, (short) 1))).all().get();
                id = admin.describeTopics(List.of("doomed")).allTopicNames().get().get("doomed").topicId();
            }
            broker.restart();
            try (Admin admin = broker.admin()) {
                assertEquals(id, admin.describeTopics(List.of("doomed")).allTopicNames().get().get("doomed").topicId(),
                        "the topic id survives a restart");
                admin.deleteTopics(List.of("doomed")).all().get();
                assertEquals(Set.of("kept"), admin.listTopics().names().get());
                ExecutionException again = assertThrows(ExecutionException.class, () -> admin.deleteTopics(List.of("doomed")).all().get());
                assertTrue(again.getCause() instanceof UnknownTopicOrPartitionException, again.toString());
            }
            assertFalse(Files.exists(broker.dataDir().resolve("doomed-0")), "the partition directory is renamed for deletion at once");
            broker.restart();
            try (Admin admin = broker.admin()) {
                assertEquals(Set.of("kept"), admin.listTopics().names().get(), "deletion survives a restart");
            }
        }
    }
}
