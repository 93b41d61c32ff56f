package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.lag.ExpiryForecast;
import dev.nagare.broker.lag.GroupReport;
import dev.nagare.broker.lag.LagSample;
import dev.nagare.broker.lag.LagService;
import dev.nagare.broker.lag.LagStatus;
import dev.nagare.broker.lag.PartitionLag;
import dev.nagare.broker.testing.SkewedTime;
import dev.nagare.broker.testing.TestBroker;

/** A real broker keeps its lag history across a restart, and reports status and expiry forecast from it. */
class LagHistoryRestartTest {

    private static final Duration STEP = Duration.ofSeconds(10);
    private static final long WEEK = 7 * 24 * 3_600_000L;

    @TempDir
    Path dir;

    @Test
    void lagHistoryTakenBeforeARestartIsStillThereAfterItAndGrowsOn() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, Map.of("offsets.topic.num.partitions", "1"), new SkewedTime());
             Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("orders", 2, (short) 1))).all().get();
            produce(broker, 0, 10);
            produce(broker, 1, 4);
            commit(admin, Map.of(0, 3L, 1, 4L));
            broker.passTime(STEP); // a step of its own, whatever the sampler thread did before the commit
            long first = lag(broker).sampleNow();
            produce(broker, 1, 5);
            commit(admin, Map.of(0, 6L));
            broker.passTime(STEP);
            long second = lag(broker).sampleNow();
            List<LagSample> before = lag(broker).history("billing", "orders", first, second);
            assertEquals(List.of(List.of(first, 7L, 7L, 3L + 4, 10L + 4), List.of(second, 9L, 5L, 6L + 4, 10L + 9)),
                    before.stream().map(LagHistoryRestartTest::offsets).toList());

            broker.restart();

            assertEquals(before, lag(broker).history("billing", "orders", first, second));
            assertTrue(Files.isDirectory(dir.resolve(".nagare-metadata").resolve(LagService.HISTORY_DIR)));
            admin.listConsumerGroupOffsets("billing").partitionsToOffsetAndMetadata().get(); // loaded again
            broker.passTime(STEP);
            long third = lag(broker).sampleNow();
            List<LagSample> after = lag(broker).history("billing", "orders", first, third);
            assertEquals(before, after.subList(0, 2));
            assertEquals(List.of(third, 9L, 5L, 10L, 19L), offsets(after.get(after.size() - 1)));

            GroupReport report = lag(broker).report("billing").get().orElseThrow();
            PartitionLag p0 = report.lag().partitions().get(0);
            PartitionLag p1 = report.lag().partitions().get(1);
            assertEquals(LagStatus.OK, report.status(), "a 30-second history does not cover the 10-minute window");
            assertEquals(Optional.of(new ExpiryForecast(p1.commitTimestamp() + WEEK, p0.commitTimestamp() + WEEK,
                    4 + 5, 10 + 9, 6 + 4)), report.expiry(), "a group that only commits loses each offset in turn");
        }
    }

    private static LagService lag(TestBroker broker) {
        return broker.broker().lagService();
    }

    /** A sample's time and offsets (its time lag depends on the wall clock). */
    private static List<Long> offsets(LagSample s) {
        return List.of(s.timestampMs(), s.sumOffsetLag(), s.maxOffsetLag(), s.committedSum(), s.logEndSum());
    }

    private static void produce(TestBroker broker, int partition, int records) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = broker.producer(Map.of())) {
            for (int i = 0; i < records; i++) {
                p.send(new ProducerRecord<>("orders", partition, null, ("r" + i).getBytes())).get();
            }
        }
    }

    private static void commit(Admin admin, Map<Integer, Long> offsets) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> commits = new java.util.HashMap<>();
        offsets.forEach((p, o) -> commits.put(new TopicPartition("orders", p), new OffsetAndMetadata(o)));
        admin.alterConsumerGroupOffsets("billing", commits).all().get();
    }
}
