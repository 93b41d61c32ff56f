package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
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

import dev.nagare.broker.lag.GroupLag;
import dev.nagare.broker.lag.GroupReport;
import dev.nagare.broker.lag.LagService;
import dev.nagare.broker.lag.LagStatus;
import dev.nagare.broker.lag.PartitionLag;
import dev.nagare.broker.lag.TopicLag;
import dev.nagare.broker.lag.TopicReport;
import dev.nagare.broker.testing.SkewedTime;
import dev.nagare.broker.testing.TestBroker;

/** Lag is computed from committed offsets with no consumer running: offsets, sums, maxima and time lag. */
class LagTest {

    @TempDir
    Path dir;

    @Test
    void lagOfAGroupWithNoConsumerRunningIsExact() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, Map.of("offsets.topic.num.partitions", "1"));
             Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("orders", 3, (short) 1))).all().get();
            long base = System.currentTimeMillis() - 100_000;
            try (KafkaProducer<byte[], byte[]> p = broker.producer(Map.of())) {
                for (int i = 0; i < 10; i++) { // one batch per record: each has its own timestamp
                    p.send(new ProducerRecord<>("orders", 0, base + 1000L * i, null, ("a" + i).getBytes())).get();
                }
                for (int i = 0; i < 4; i++) {
                    p.send(new ProducerRecord<>("orders", 1, base + 1000L * i, null, ("b" + i).getBytes())).get();
                }
            }
            admin.alterConsumerGroupOffsets("billing", Map.of(new TopicPartition("orders", 0), new OffsetAndMetadata(3),
                    new TopicPartition("orders", 1), new OffsetAndMetadata(4))).all().get();

            List<GroupLag> all = broker.broker().lag().evaluateAll().get();
            assertEquals(1, all.size());
            GroupLag billing = all.get(0);
            assertEquals("billing", billing.group());
            assertEquals("Empty", billing.state());
            assertEquals(0, billing.members());
            assertEquals(2, billing.partitions().size(), "partition 2 has no commit: no lag is invented for it");
            PartitionLag p0 = billing.partitions().get(0);
            assertEquals(3, p0.committedOffset());
            assertEquals(10, p0.logEndOffset());
            assertEquals(7, p0.offsetLag());
            assertFalse(p0.belowLogStart());
            assertEquals(billing.evaluatedAtMs() - (base + 3000), p0.timeLagMs(), "age of record 3");
            PartitionLag p1 = billing.partitions().get(1);
            assertEquals(0, p1.offsetLag());
            assertEquals(0, p1.timeLagMs(), "caught up");
            assertEquals(List.of(new TopicLag("orders", 2, 7, 7, p0.timeLagMs(), 7)), billing.topics());
        }
    }

    @Test
    void oneGroupsReportIsThatGroupsAloneAndEmptyForAnUnknownGroup() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, Map.of("offsets.topic.num.partitions", "1"));
             Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("orders", 2, (short) 1))).all().get();
            try (KafkaProducer<byte[], byte[]> p = broker.producer(Map.of())) {
                for (int i = 0; i < 6; i++) {
                    p.send(new ProducerRecord<>("orders", i % 2, null, new byte[1])).get();
                }
            }
            admin.alterConsumerGroupOffsets("billing", Map.of(new TopicPartition("orders", 0), new OffsetAndMetadata(1),
                    new TopicPartition("orders", 1), new OffsetAndMetadata(3))).all().get();
            admin.alterConsumerGroupOffsets("audit", Map.of(new TopicPartition("orders", 1), new OffsetAndMetadata(0)))
                    .all().get();
            LagService service = broker.broker().lagService();

            GroupReport billing = service.report("billing").get().orElseThrow();
            GroupReport audit = service.report("audit").get().orElseThrow();

            assertEquals("billing", billing.lag().group());
            assertEquals(List.of(List.of(0L, 1L, 3L, 2L), List.of(1L, 3L, 3L, 0L)), offsets(billing));
            assertEquals(List.of(new TopicLag("orders", 2, 2, 2, billing.lag().topics().get(0).maxTimeLagMs(), 4)),
                    billing.lag().topics());
            assertEquals(LagStatus.OK, billing.status());
            assertEquals("audit", audit.lag().group());
            assertEquals(List.of(List.of(1L, 0L, 3L, 3L)), offsets(audit));
            assertEquals(List.of(LagStatus.OK), audit.topics().stream().map(TopicReport::status).toList());
            List<GroupReport> all = service.reports().get();
            assertEquals(List.of(offsets(audit), offsets(billing)), all.stream().map(LagTest::offsets).toList(),
                    "the same figures as the report of every group");
            assertEquals(Optional.empty(), service.report("nope").get());
        }
    }

    /** Per partition: partition, committed offset, log end offset, offset lag. */
    private static List<List<Long>> offsets(GroupReport r) {
        return r.lag().partitions().stream().map(p -> List.of((long) p.partition(), p.committedOffset(),
                p.logEndOffset(), p.offsetLag())).toList();
    }

    @Test
    void aCommitBelowTheLogStartCountsFromTheLogStartAndIsFlagged() throws Exception {
        SkewedTime time = new SkewedTime();
        try (TestBroker broker = TestBroker.start(dir, Map.of("offsets.topic.num.partitions", "1",
                "log.retention.check.interval.ms", "100", "log.segment.delete.delay.ms", "0"), time);
             Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("events", 1, (short) 1).configs(Map.of(
                    "segment.bytes", String.valueOf(1024 * 1024), "retention.ms", "3600000")))).all().get();
            try (KafkaProducer<byte[], byte[]> p = broker.producer(Map.of("linger.ms", 5))) {
                for (int i = 0; i < 1500; i++) { // about 1.5 MiB: two segments
                    p.send(new ProducerRecord<>("events", 0, null, new byte[1000]));
                }
                p.flush();
            }
            TopicPartition tp = new TopicPartition("events", 0);
            admin.alterConsumerGroupOffsets("slow", Map.of(tp, new OffsetAndMetadata(10))).all().get();
            time.advance(2 * 3600_000L); // the first segment is past retention.ms now
            PartitionLag lag;
            long deadline = System.nanoTime() + 30_000_000_000L;
            do {
                Thread.sleep(50);
                lag = broker.broker().lag().evaluateAll().get().get(0).partitions().get(0);
                assertTrue(System.nanoTime() < deadline, "retention did not move the log start");
            } while (lag.logStartOffset() == 0);
            assertTrue(lag.logStartOffset() > 10);
            assertTrue(lag.belowLogStart());
            assertEquals(10, lag.committedOffset());
            assertEquals(1500, lag.logEndOffset());
            assertEquals(1500 - lag.logStartOffset(), lag.offsetLag(), "counted from the log start");
        }
    }
}
