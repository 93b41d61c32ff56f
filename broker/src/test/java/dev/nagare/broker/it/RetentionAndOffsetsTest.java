package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.testing.TestBroker;

/** Retention, ListOffsets by time, topic configs and fsync-before-ack, through the AdminClient and the consumer. */
class RetentionAndOffsetsTest {

    @TempDir
    Path dir;

    /**
     * Creates {@code topic} (1 partition, segment.ms=1, retention.ms=60000) and produces three records three hours
     * old, each in a segment of its own, then "new" at offset 3. With a short {@code log.retention.check.interval.ms}
     * retention soon moves the log start to 3.
     */
    static void threeExpiredSegmentsAndAFreshRecord(TestBroker broker, String topic) throws Exception {
        broker.createTopic(topic, 1, Map.of("segment.ms", "1", "retention.ms", "60000"));
        long now = System.currentTimeMillis();
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
            for (int i = 0; i < 3; i++) { // three hours old: past retention.ms
                producer.send(new ProducerRecord<>(topic, 0, now - 3 * 3600_000L + i, null, ("old" + i).getBytes())).get();
                Thread.sleep(5); // segment.ms=1: each of these lands in a segment of its own
            }
            producer.send(new ProducerRecord<>(topic, 0, now, null, "new".getBytes())).get();
        }
    }

    @Test
    void retentionDeletesOldSegmentsMovesTheLogStartAndAFetchBelowItIsOutOfRange() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, Map.of("log.retention.check.interval.ms", "100"));
             Admin admin = broker.admin()) {
            threeExpiredSegmentsAndAFreshRecord(broker, "old");
            TopicPartition tp = new TopicPartition("old", 0);
            long deadline = System.currentTimeMillis() + 20_000;
            long start = 0;
            while (start < 3 && System.currentTimeMillis() < deadline) {
                start = admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset();
                Thread.sleep(100);
            }
            assertEquals(3, start, "the three expired segments are gone and the log starts at the fresh record");
            assertEquals(4, admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset());
            try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of("auto.offset.reset", "none"))) {
                consumer.assign(List.of(tp));
                consumer.seek(tp, 0);
                assertThrows(OffsetOutOfRangeException.class, () -> consumer.poll(Duration.ofSeconds(5)));
            }
            try (var files = Files.list(broker.dataDir().resolve("old-0"))) {
                assertEquals(List.of("00000000000000000003.log"), files.map(f -> f.getFileName().toString())
                        .filter(n -> n.endsWith(".log")).sorted().toList());
            }
        }
    }

    @Test
    void listOffsetsFindsTheFirstRecordAtOrAfterATimestamp() throws Exception {
        try (TestBroker broker = TestBroker.start(dir); Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("times", 1, (short) 1))).all().get();
            long base = System.currentTimeMillis() - 100_000;
            try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>("times", 0, base + i * 1000L, null, new byte[10]));
                }
                producer.flush();
            }
            TopicPartition tp = new TopicPartition("times", 0);
            ListOffsetsResult.ListOffsetsResultInfo at = admin.listOffsets(Map.of(tp, OffsetSpec.forTimestamp(base + 41_500)))
                    .partitionResult(tp).get();
            assertEquals(42, at.offset());
            assertEquals(base + 42_000, at.timestamp());
            ListOffsetsResult.ListOffsetsResultInfo max = admin.listOffsets(Map.of(tp, OffsetSpec.maxTimestamp()))
                    .partitionResult(tp).get();
            assertEquals(99, max.offset());
            assertEquals(-1, admin.listOffsets(Map.of(tp, OffsetSpec.forTimestamp(base + 1_000_000)))
                    .partitionResult(tp).get().offset(), "nothing that new");
        }
    }

    @Test
    void topicConfigsAreDescribedWithTheirSourcesAndSurviveARestart() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, Map.of("log.retention.hours", "24"))) {
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic("cfg", 2, (short) 1)
                        .configs(Map.of("cleanup.policy", "delete", "max.message.bytes", "5000")))).all().get();
                ExecutionException dup = assertThrows(ExecutionException.class,
                        () -> admin.createTopics(List.of(new NewTopic("cfg", 1, (short) 1))).all().get());
                assertTrue(dup.getCause() instanceof TopicExistsException);
            }
            broker.restart();
            try (Admin admin = broker.admin()) {
                ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, "cfg");
                Config config = admin.describeConfigs(List.of(r)).all().get().get(r);
                ConfigEntry max = config.get("max.message.bytes");
                assertEquals("5000", max.value());
                assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, max.source());
                ConfigEntry retention = config.get("retention.ms");
                assertEquals(String.valueOf(24 * 3600_000L), retention.value());
                // Kafka 4.1 answers DEFAULT_CONFIG here, though the value comes from the static log.retention.hours: a
                // topic config's source is that of its first synonym, and log.retention.ms (unset) lists none.
                assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, retention.source());
                ConfigEntry segment = config.get("segment.bytes");
                assertEquals("1073741824", segment.value());
                assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, segment.source());
                assertEquals(2, admin.describeTopics(List.of("cfg")).allTopicNames().get().get("cfg").partitions().size());
            }
        }
    }

    @Test
    void withFlushEveryMessageAcknowledgedRecordsAreFsyncedAndStillArrive() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, Map.of("log.flush.interval.messages", "1"));
             Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("synced", 3, (short) 1))).all().get();
            try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
                for (int i = 0; i < 3000; i++) {
                    producer.send(new ProducerRecord<>("synced", i % 3, null, new byte[100]));
                }
                producer.flush();
            }
            for (int p = 0; p < 3; p++) {
                TopicPartition tp = new TopicPartition("synced", p);
                assertEquals(1000, admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset());
            }
        }
    }
}
