package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.testing.Polling;
import dev.nagare.broker.testing.BrokerProcess;

/**
 * kill -9 of a broker process while an acks=all producer streams: after a restart every acknowledged record is at
 * the offset it was acknowledged with — also when the active segment's tail was then cut mid-batch or had garbage
 * appended, as a torn write would leave it.
 */
class CrashRecoveryTest {

    @TempDir
    Path dir;

    enum Damage { NONE, CUT_MID_BATCH, GARBAGE_APPENDED }

    @Test
    void everyAcknowledgedRecordSurvivesKillNine() throws Exception {
        crashAndVerify(Damage.NONE);
    }

    @Test
    void everyAcknowledgedRecordSurvivesKillNineWithTheTailCutMidBatch() throws Exception {
        crashAndVerify(Damage.CUT_MID_BATCH);
    }

    @Test
    void everyAcknowledgedRecordSurvivesKillNineWithGarbageAppended() throws Exception {
        crashAndVerify(Damage.GARBAGE_APPENDED);
    }

    private void crashAndVerify(Damage damage) throws Exception {
        Path data = dir.resolve("data");
        Map<Long, String> acked = new ConcurrentHashMap<>();
        try (BrokerProcess broker = BrokerProcess.start(data, Map.of())) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
                admin.createTopics(List.of(new NewTopic("crash", 1, (short) 1))).all().get();
            }
            Map<String, Object> props = new HashMap<>();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3000);
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
            AtomicBoolean stop = new AtomicBoolean();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
                Thread writer = new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String value = "record-" + i;
                        producer.send(new ProducerRecord<>("crash", 0, null, value.getBytes(StandardCharsets.UTF_8)),
                                (m, e) -> {
                                    if (e == null) {
                                        acked.put(m.offset(), value);
                                    }
                                });
                    }
                });
                writer.start();
                long deadline = System.currentTimeMillis() + 20_000;
                while (acked.size() < 20_000 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                broker.kill9();
                stop.set(true);
                writer.join();
            }
            assertTrue(acked.size() >= 1000, "the producer got acknowledgements before the kill: " + acked.size());
            damage(data.resolve("crash-0"), damage);
            broker.restart();
            verify(broker.bootstrap(), acked);
        }
    }

    private static void damage(Path partitionDir, Damage damage) throws IOException {
        if (damage == Damage.NONE) {
            return;
        }
        Path active;
        try (var files = Files.list(partitionDir)) {
            active = files.filter(f -> f.toString().endsWith(".log")).max(Path::compareTo).orElseThrow();
        }
        try (FileChannel ch = FileChannel.open(active, StandardOpenOption.WRITE)) {
            if (damage == Damage.CUT_MID_BATCH) {
                // Append half of a copy of a batch header and body: a write torn by the crash.
                ByteBuffer torn = ByteBuffer.allocate(40);
                torn.putLong(Long.MAX_VALUE - 1).putInt(500).putInt(0).put((byte) 2);
                torn.position(40).flip();
                ch.write(torn, ch.size());
            } else {
                byte[] garbage = new byte[777];
                new java.util.Random(42).nextBytes(garbage);
                ch.write(ByteBuffer.wrap(garbage), ch.size());
            }
        }
    }

    private static void verify(String bootstrap, Map<Long, String> acked) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        long maxAcked = acked.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition tp = new TopicPartition("crash", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            // Offsets are dense from 0 (asserted below), so maxAcked + 1 records reach the last acknowledged one.
            List<ConsumerRecord<byte[], byte[]>> got = Polling.pollAtLeast(consumer, (int) maxAcked + 1, Duration.ofSeconds(60));
            Map<Long, byte[]> stored = new HashMap<>();
            for (int i = 0; i < got.size(); i++) {
                assertEquals(i, got.get(i).offset(), "offsets stay dense after recovery");
                stored.put(got.get(i).offset(), got.get(i).value());
            }
            for (Map.Entry<Long, String> e : acked.entrySet()) {
                assertArrayEquals(e.getValue().getBytes(StandardCharsets.UTF_8), stored.get(e.getKey()),
                        "acknowledged offset " + e.getKey());
            }
        }
    }
}
