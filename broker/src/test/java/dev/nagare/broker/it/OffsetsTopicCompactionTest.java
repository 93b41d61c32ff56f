package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.testing.Polling;
import dev.nagare.broker.testing.TestBroker;

/**
 * {@code __consumer_offsets} is compacted like any compacted topic: commits pile up, the cleaner keeps the newest
 * per group and partition, and a restart replays the compacted log to the same committed offsets.
 */
class OffsetsTopicCompactionTest {

    private static final int PARTITIONS = 100;
    private static final int ROUNDS = 150;

    @TempDir
    Path dir;

    @Test
    void committedOffsetsSurviveCompactionAndARestart() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, Map.of("offsets.topic.num.partitions", "1",
                "offsets.topic.segment.bytes", String.valueOf(1024 * 1024), "log.cleaner.backoff.ms", "50"))) {
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic("t", PARTITIONS, (short) 1))).all().get();
                for (int round = 1; round <= ROUNDS; round++) {
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    for (int p = 0; p < PARTITIONS; p++) {
                        offsets.put(new TopicPartition("t", p), new OffsetAndMetadata(round, "m".repeat(100)));
                    }
                    admin.alterConsumerGroupOffsets("g", offsets).all().get();
                }
            }
            int stored = PARTITIONS * ROUNDS;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int left;
            do {
                left = recordsOfOffsetsTopic(broker);
                assertTrue(System.nanoTime() < deadline, "__consumer_offsets was not compacted: " + left + " records");
            } while (left >= stored);
            broker.restart();
            try (Admin admin = broker.admin()) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets("g").partitionsToOffsetAndMetadata().get();
                assertEquals(PARTITIONS, committed.size());
                committed.values().forEach(o -> assertEquals(ROUNDS, o.offset()));
            }
        }
    }

    /** Reads every record of __consumer_offsets-0 as a consumer would and counts them. */
    private static int recordsOfOffsetsTopic(TestBroker broker) {
        TopicPartition tp = new TopicPartition("__consumer_offsets", 0);
        try (KafkaConsumer<byte[], byte[]> c = broker.consumer(Map.of("exclude.internal.topics", false))) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            int n = 0;
            while (c.position(tp) < end) {
                List<ConsumerRecord<byte[], byte[]>> got = Polling.pollAtLeast(c, 1, Duration.ofSeconds(5));
                if (got.isEmpty()) {
                    break;
                }
                n += got.size();
            }
            return n;
        }
    }
}
