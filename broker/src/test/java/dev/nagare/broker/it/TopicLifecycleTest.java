package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
