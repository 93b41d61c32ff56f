package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.testing.TestBroker;

/**
 * {@code log.cleaner.backoff.ms}, {@code log.cleaner.threads} and {@code log.cleaner.dedupe.buffer.size} changed
 * with kafka-configs' request on a running broker take effect without a restart.
 */
class CleanerReconfigurationTest {

    @TempDir
    Path dir;

    @Test
    void aLoweredBackoffAndTwoThreadsCompactTwoTopicsWithoutARestart() throws Exception {
        // ten minutes between passes: without the change nothing would be compacted during the test
        try (TestBroker broker = TestBroker.start(dir, Map.of("log.cleaner.backoff.ms", "600000")); Admin admin = broker.admin()) {
            List<String> tables = List.of("table-a", "table-b");
            for (String table : tables) {
                admin.createTopics(List.of(new NewTopic(table, 1, (short) 1).configs(Map.of("cleanup.policy", "compact",
                        "segment.bytes", "1048576", "min.cleanable.dirty.ratio", "0.01")))).all().get();
            }
            try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
                for (String table : tables) {
                    for (int round = 0; round < 3; round++) {
                        for (int k = 0; k < 20; k++) {
                            producer.send(new ProducerRecord<>(table, ("k" + k).getBytes(StandardCharsets.UTF_8),
                                    CompactedTopicTest.value(round + "-k" + k)));
                        }
                    }
                    for (int i = 0; i < 60; i++) { // past the first segment, so its keys may be compacted
                        producer.send(new ProducerRecord<>(table, ("filler" + i).getBytes(StandardCharsets.UTF_8),
                                CompactedTopicTest.value("filler")));
                    }
                }
                producer.flush();
            }
            ConfigResource node = new ConfigResource(ConfigResource.Type.BROKER, "1");
            admin.incrementalAlterConfigs(Map.of(node, List.of(
                    new AlterConfigOp(new ConfigEntry("log.cleaner.threads", "2"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("log.cleaner.dedupe.buffer.size", "4194304"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("log.cleaner.backoff.ms", "50"), AlterConfigOp.OpType.SET)))).all().get();

            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!(firstSegmentCompacted(broker, "table-a") && firstSegmentCompacted(broker, "table-b"))) {
                assertTrue(System.nanoTime() < deadline, "both tables compacted within 30 s of the new backoff");
                Thread.sleep(200);
            }
            Set<String> cleanerThreads = new TreeSet<>();
            Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(n -> n.startsWith("nagare-log-cleaner-")).forEach(cleanerThreads::add);
            assertEquals(Set.of("nagare-log-cleaner-1", "nagare-log-cleaner-2"), cleanerThreads);
        }
    }

    /** Fewer than the 120 records written are left: older values of the keys were compacted away. */
    private static boolean firstSegmentCompacted(TestBroker broker, String table) {
        TopicPartition tp = new TopicPartition(table, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            int records = 0;
            while (consumer.position(tp) < end) {
                records += consumer.poll(Duration.ofMillis(500)).count();
            }
            return records < 120;
        }
    }
}
