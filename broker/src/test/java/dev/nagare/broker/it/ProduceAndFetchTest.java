package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.nagare.broker.testing.Polling;
import dev.nagare.broker.testing.TestBroker;

/** The Java client, with its default settings, produces to and fetches from Nagare. */
class ProduceAndFetchTest {

    @TempDir
    Path dir;

    @Test
    void aHundredThousandKeyedRecordsWithHeadersComeBackExactlyAndStayStored() throws Exception {
        int count = 100_000;
        try (TestBroker broker = TestBroker.start(dir)) {
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic("orders", 3, (short) 1))).all().get();
            }
            List<Long> baseTimestamps = new ArrayList<>();
            Map<Integer, List<Integer>> sentPerPartition = new HashMap<>();
            long t0 = 1_700_000_000_000L + System.currentTimeMillis() % 1000;
            try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
                List<Future<RecordMetadata>> acks = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    RecordHeaders headers = new RecordHeaders();
                    headers.add("n", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                    headers.add("empty", new byte[0]);
                    acks.add(producer.send(new ProducerRecord<>("orders", null, t0 + i, key(i), value(i), headers)));
                }
                for (int i = 0; i < count; i++) {
                    RecordMetadata m = acks.get(i).get();
                    sentPerPartition.computeIfAbsent(m.partition(), p -> new ArrayList<>()).add(i);
                    assertEquals(sentPerPartition.get(m.partition()).size() - 1, m.offset(),
                            "offsets are dense from 0 in each partition, in send order");
                }
            }
            baseTimestamps.add(t0);
            for (int pass = 0; pass < 2; pass++) {
                try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of())) {
                    for (int p = 0; p < 3; p++) {
                        List<Integer> expected = sentPerPartition.getOrDefault(p, List.of());
                        TopicPartition tp = new TopicPartition("orders", p);
                        consumer.assign(List.of(tp));
                        consumer.seek(tp, 0);
                        List<ConsumerRecord<byte[], byte[]>> got =
                                Polling.pollAtLeast(consumer, expected.size(), Duration.ofSeconds(60));
                        assertEquals(expected.size(), got.size(), "records of partition " + p);
                        for (int j = 0; j < got.size(); j++) {
                            int i = expected.get(j);
                            ConsumerRecord<byte[], byte[]> r = got.get(j);
                            assertEquals(j, r.offset());
                            assertArrayEquals(key(i), r.key());
                            assertArrayEquals(value(i), r.value());
                            assertEquals(t0 + i, r.timestamp());
                            assertArrayEquals(Integer.toString(i).getBytes(StandardCharsets.UTF_8), r.headers().lastHeader("n").value());
                            assertArrayEquals(new byte[0], r.headers().lastHeader("empty").value());
                        }
                    }
                }
            }
            assertEquals(count, sentPerPartition.values().stream().mapToInt(List::size).sum());
        }
    }

    @ParameterizedTest(name = "{0} batches round-trip")
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd", "none"})
    void eachCompressionCodecRoundTrips(String codec) throws Exception {
        try (TestBroker broker = TestBroker.start(dir)) {
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic("c", 1, (short) 1))).all().get();
            }
            try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of(
                    ProducerConfig.COMPRESSION_TYPE_CONFIG, codec, ProducerConfig.LINGER_MS_CONFIG, 50))) {
                List<Future<RecordMetadata>> acks = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    acks.add(producer.send(new ProducerRecord<>("c", 0, key(i), value(i))));
                }
                for (int i = 0; i < acks.size(); i++) {
                    assertEquals(i, acks.get(i).get().offset());
                }
            }
            try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of())) {
                TopicPartition tp = new TopicPartition("c", 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                List<ConsumerRecord<byte[], byte[]>> got = Polling.pollAtLeast(consumer, 1000, Duration.ofSeconds(30));
                assertEquals(1000, got.size());
                for (int i = 0; i < 1000; i++) {
                    assertEquals(i, got.get(i).offset());
                    assertArrayEquals(value(i), got.get(i).value());
                }
            }
        }
    }

    static byte[] key(int i) {
        return ("key-" + i).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] value(int i) {
        return ("value-" + i + "-" + "x".repeat(i % 50)).getBytes(StandardCharsets.UTF_8);
    }
}
