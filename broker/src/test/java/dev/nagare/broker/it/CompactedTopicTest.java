package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.testing.TestBroker;

/** A topic with {@code cleanup.policy=compact}, created, written and read with Kafka's own clients. */
class CompactedTopicTest {

    static final TopicPartition TP = new TopicPartition("table", 0);
    /** 20 KB: about 50 records fill a 1 MiB segment. */
    static final int VALUE_BYTES = 20 * 1024;

    @TempDir
    Path dir;

    static byte[] value(String text) {
        byte[] v = Arrays.copyOf(text.getBytes(StandardCharsets.UTF_8), VALUE_BYTES);
        Arrays.fill(v, text.length(), VALUE_BYTES, (byte) '.');
        return v;
    }

    static String text(byte[] value) {
        return new String(value, StandardCharsets.UTF_8).replaceAll("\\.+$", "");
    }

    static void createTable(Admin admin) throws Exception {
        admin.createTopics(List.of(new NewTopic(TP.topic(), 1, (short) 1).configs(Map.of("cleanup.policy", "compact",
                "segment.bytes", "1048576", "min.cleanable.dirty.ratio", "0.01")))).all().get();
    }

    @Test
    void aConsumerReadsOnlyTheNewestValueOfEachKeyOnceTheCleanerHasRun() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, Map.of("log.cleaner.backoff.ms", "50"));
             Admin admin = broker.admin()) {
            createTable(admin);
            try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
                for (int round = 0; round < 3; round++) {
                    for (int k = 0; k < 100; k++) {
                        producer.send(new ProducerRecord<>(TP.topic(), ("k" + k).getBytes(StandardCharsets.UTF_8),
                                value(round + "-k" + k)));
                    }
                }
                for (int i = 0; i < 60; i++) { // more than a segment: the last k record is out of the active segment
                    producer.send(new ProducerRecord<>(TP.topic(), "filler".getBytes(StandardCharsets.UTF_8),
                            value("filler-" + i)));
                }
                producer.flush();
            }

            Map<String, List<String>> byKey = new TreeMap<>();
            try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of())) {
                consumer.assign(List.of(TP));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                do { // the cleaner thread runs every 50 ms; read the whole log until it has compacted the k records
                    byKey.clear();
                    for (ConsumerRecord<byte[], byte[]> r : readToEnd(consumer, 360)) {
                        byKey.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                                .add(text(r.value()));
                    }
                } while (aKeyHasSeveralValues(byKey) && System.nanoTime() < deadline);
            }

            assertEquals(101, byKey.size());
            for (int k = 0; k < 100; k++) {
                assertEquals(List.of("2-k" + k), byKey.get("k" + k), "only the newest value of k" + k);
            }
            List<String> fillers = byKey.get("filler");
            assertEquals("filler-59", fillers.get(fillers.size() - 1));
            assertEquals(0, admin.listOffsets(Map.of(TP, OffsetSpec.earliest())).partitionResult(TP).get().offset());
            assertEquals(360, admin.listOffsets(Map.of(TP, OffsetSpec.latest())).partitionResult(TP).get().offset(),
                    "offsets do not change");
            assertTrue(Files.readString(broker.dataDir().resolve("cleaner-offset-checkpoint")).contains("table 0 "));
        }
    }

    /** True while some k key still has an older value beside its newest (fillers are partly in the active segment). */
    static boolean aKeyHasSeveralValues(Map<String, List<String>> byKey) {
        return byKey.entrySet().stream().anyMatch(e -> !e.getKey().equals("filler") && e.getValue().size() > 1);
    }

    /** Every record from offset 0 up to {@code end}, reading until the consumer's position reaches it. */
    static List<ConsumerRecord<byte[], byte[]>> readToEnd(KafkaConsumer<byte[], byte[]> consumer, long end) {
        consumer.seek(TP, 0);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (consumer.position(TP) < end && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        assertEquals(end, consumer.position(TP));
        return out;
    }

    @Test
    void aRecordWithoutKeyIsRefusedWithKafkasInvalidRecordError() throws Exception {
        try (TestBroker broker = TestBroker.start(dir); Admin admin = broker.admin()) {
            createTable(admin);
            try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> producer.send(new ProducerRecord<>(TP.topic(), null, value("no key"))).get());
                assertInstanceOf(InvalidRecordException.class, e.getCause());
            }
            try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
                assertEquals(0, producer.send(new ProducerRecord<>(TP.topic(), "k".getBytes(StandardCharsets.UTF_8),
                        value("keyed"))).get().offset(), "nothing of the refused record was written");
            }
        }
    }
}
