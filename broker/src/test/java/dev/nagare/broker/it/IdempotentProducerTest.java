package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.testing.Polling;
import dev.nagare.broker.testing.BrokerProcess;
import dev.nagare.broker.testing.ResponseDroppingProxy;
import dev.nagare.broker.testing.TestBroker;

/** Idempotent producers: a retried batch is acknowledged with its original offset and stored once. */
class IdempotentProducerTest {

    @TempDir
    Path dir;

    @Test
    void aProducerWhoseResponseWasLostRetriesAndLeavesNoDuplicate() throws Exception {
        int proxyPort = BrokerProcess.freePort();
        try (TestBroker broker = TestBroker.start(dir, Map.of("advertised.listeners", "PLAINTEXT://127.0.0.1:" + proxyPort))) {
            // Clients must reach the broker through the proxy, which listens where the broker advertises itself.
            try (ResponseDroppingProxy proxy = ResponseDroppingProxy.onPort(proxyPort, broker.port(), ApiKeys.PRODUCE)) {
                try (Admin admin = broker.admin()) {
                    admin.createTopics(List.of(new NewTopic("idem", 1, (short) 1))).all().get();
                }
                List<RecordMetadata> acks = new ArrayList<>();
                try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + proxyPort,
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1))) {
                    for (int i = 0; i < 5; i++) {
                        acks.add(producer.send(new ProducerRecord<>("idem", 0, null, ("v" + i).getBytes(StandardCharsets.UTF_8))).get());
                    }
                }
                assertEquals(1, proxy.dropped(), "one produce response was lost on the way");
                for (int i = 0; i < 5; i++) {
                    assertEquals(i, acks.get(i).offset(), "record " + i + " acknowledged at its one offset");
                }
                readBack(broker);
            }
        }
    }

    private static void readBack(TestBroker broker) {
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of())) {
            TopicPartition tp = new TopicPartition("idem", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<String> values = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : Polling.pollAtLeast(consumer, 5, Duration.ofSeconds(10))) {
                values.add(new String(r.value(), StandardCharsets.UTF_8));
            }
            values.addAll(consumer.poll(Duration.ofMillis(500)).records(tp).stream()
                    .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList());
            assertEquals(List.of("v0", "v1", "v2", "v3", "v4"), values);
            assertEquals(5L, consumer.endOffsets(List.of(tp)).get(tp));
        }
    }
}
