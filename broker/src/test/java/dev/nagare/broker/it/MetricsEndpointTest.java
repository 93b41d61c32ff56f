package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.Broker;
import dev.nagare.broker.config.BrokerConfig;
import dev.nagare.broker.testing.Http;
import dev.nagare.broker.testing.PrometheusText;
import dev.nagare.broker.testing.RawClient;
import dev.nagare.broker.testing.TestBroker;

/** /metrics in the Prometheus text format: exact lag in both name sets, exact request counters, the listener's config. */
class MetricsEndpointTest {

    @TempDir
    Path dir;

    /**
     * Topic {@code orders} with 3 partitions holding 10, 4 and 6 records; group {@code billing} committed 3, 4 and 1
     * and runs no consumer: its offset lags are 7, 0 and 5 (sum 12, max 7).
     */
    static void groupWithKnownLag(TestBroker broker) throws Exception {
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("orders", 3, (short) 1))).all().get();
            try (KafkaProducer<byte[], byte[]> p = broker.producer(Map.of())) {
                int[] counts = {10, 4, 6};
                for (int partition = 0; partition < 3; partition++) {
                    for (int i = 0; i < counts[partition]; i++) {
                        p.send(new ProducerRecord<>("orders", partition, null, ("r" + i).getBytes())).get();
                    }
                }
            }
            admin.alterConsumerGroupOffsets("billing", Map.of(new TopicPartition("orders", 0), new OffsetAndMetadata(3),
                    new TopicPartition("orders", 1), new OffsetAndMetadata(4),
                    new TopicPartition("orders", 2), new OffsetAndMetadata(1))).all().get();
        }
    }

    static PrometheusText scrape(TestBroker broker) throws Exception {
        HttpResponse<String> r = Http.get(broker.broker().httpAddress().orElseThrow(), "/metrics");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        return PrometheusText.parse(r.body());
    }

    @Test
    void lagOfAGroupWithNoConsumerRunningIsExactInNagaresAndKafkaExportersNames() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, Map.of("offsets.topic.num.partitions", "1"))) {
            groupWithKnownLag(broker);
            PrometheusText m = scrape(broker);

            String[] lags = {"7", "0", "5"};
            String[] committed = {"3", "4", "1"};
            String[] ends = {"10", "4", "6"};
            for (int p = 0; p < 3; p++) {
                String partition = Integer.toString(p);
                assertEquals(Double.parseDouble(lags[p]), m.value("nagare_consumer_group_offset_lag",
                        "consumer_group", "billing", "topic", "orders", "partition", partition));
                assertEquals(Double.parseDouble(lags[p]), m.value("kafka_consumergroup_lag",
                        "consumergroup", "billing", "topic", "orders", "partition", partition));
                assertEquals(Double.parseDouble(committed[p]), m.value("kafka_consumergroup_current_offset",
                        "consumergroup", "billing", "topic", "orders", "partition", partition));
                assertEquals(Double.parseDouble(ends[p]), m.value("kafka_topic_partition_current_offset",
                        "topic", "orders", "partition", partition));
                assertEquals(0.0, m.value("kafka_topic_partition_oldest_offset",
                        "topic", "orders", "partition", partition));
            }
            assertEquals(12.0, m.value("nagare_consumer_group_sum_offset_lag", "consumer_group", "billing", "topic", "orders"));
            assertEquals(0.0, m.value("nagare_consumer_group_status", "consumer_group", "billing"), "OK: no history yet");
            assertTrue(Double.isNaN(m.value("nagare_consumer_group_estimated_max_time_lag_seconds",
                    "consumer_group", "billing", "topic", "orders")), "no consume rate known yet");
            assertEquals(3, m.samples("nagare_consumer_group_estimated_time_lag_seconds").size());
            assertEquals(7.0, m.value("nagare_consumer_group_max_offset_lag", "consumer_group", "billing", "topic", "orders"));
            assertEquals(12.0, m.value("kafka_consumergroup_lag_sum", "consumergroup", "billing", "topic", "orders"));
            assertEquals(8.0, m.value("kafka_consumergroup_current_offset_sum", "consumergroup", "billing", "topic", "orders"));
            assertEquals(0.0, m.value("kafka_consumergroup_members", "consumergroup", "billing"));
            assertEquals(0.0, m.value("nagare_consumer_group_time_lag_seconds",
                    "consumer_group", "billing", "topic", "orders", "partition", "1"), "caught up");
            assertTrue(m.value("nagare_consumer_group_max_time_lag_seconds", "consumer_group", "billing", "topic", "orders")
                    >= m.value("nagare_consumer_group_time_lag_seconds",
                    "consumer_group", "billing", "topic", "orders", "partition", "0"));
            assertEquals(1.0, m.value("kafka_brokers"));
            assertEquals(3.0, m.value("kafka_topic_partitions", "topic", "orders"));
            assertEquals(1.0, m.value("kafka_topic_partitions", "topic", "__consumer_offsets"));
            assertEquals(4.0, m.value("nagare_partitions"), "3 of orders and 1 of __consumer_offsets");
            assertEquals(20.0, m.value("nagare_topic_messages_in_total", "topic", "orders"));
            assertTrue(m.value("nagare_topic_bytes_in_total", "topic", "orders") > 20);
            assertEquals(broker.broker().lag().evaluateAll().get().get(0).partitions().size(),
                    m.samples("nagare_consumer_group_offset_lag").size());
            assertTrue(m.value("nagare_log_size_bytes", "topic", "orders", "partition", "0") > 0);
            assertEquals(1.0, m.value("nagare_log_segments", "topic", "orders", "partition", "0"));
            assertTrue(m.value("jvm_threads_current") > 0, "JVM metrics are served too");
        }
    }

    @Test
    void requestCountersMoveByExactAmountsForAKnownSequenceOfRequests() throws Exception {
        try (TestBroker broker = TestBroker.start(dir)) {
            PrometheusText before = scrape(broker);
            try (RawClient client = broker.rawClient()) {
                for (int i = 0; i < 3; i++) {
                    ApiVersionsResponse r = client.roundTrip(new ApiVersionsRequest.Builder().build((short) 3));
                    assertEquals(0, r.data().errorCode());
                }
                for (int i = 0; i < 2; i++) {
                    MetadataResponse r = client.roundTrip(
                            new MetadataRequest.Builder(List.of("no-such-topic"), false).build((short) 12));
                    assertEquals(1, r.topicMetadata().size());
                }
                PrometheusText after = scrape(broker);

                assertEquals(3.0, delta(before, after, "nagare_requests_total", "api", "ApiVersions"));
                assertEquals(2.0, delta(before, after, "nagare_requests_total", "api", "Metadata"));
                assertEquals(3.0, delta(before, after, "nagare_request_latency_seconds_count", "api", "ApiVersions"));
                assertEquals(2.0, delta(before, after, "nagare_request_errors_total",
                        "api", "Metadata", "error", "UNKNOWN_TOPIC_OR_PARTITION"));
                assertEquals(0.0, delta(before, after, "nagare_request_errors_total",
                        "api", "ApiVersions", "error", "UNSUPPORTED_VERSION"));
                assertEquals(1.0, delta(before, after, "nagare_connections"));
                assertEquals(1.0, delta(before, after, "nagare_connections_opened_total"));
            }
        }
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, String... labels) {
        return after.valueOr(0, name, labels) - before.valueOr(0, name, labels);
    }

    @Test
    void aBadHttpListenerStopsStartUpWithAMessageNamingTheKey() {
        for (String bad : List.of("localhost:8080", "https://127.0.0.1:8443", "http://127.0.0.1:99999",
                "http://127.0.0.1:port", "http://a:1,http://b:2")) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> new BrokerConfig(Map.of(BrokerConfig.HTTP_LISTENERS, bad)), bad);
            assertTrue(e.getMessage().contains("http.listeners"), e.getMessage());
        }
    }

    @Test
    void aBusyHttpPortStopsStartUpWithAMessageNamingTheKey() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            IOException e = assertThrows(IOException.class, () -> Broker.start(new BrokerConfig(Map.of(
                    "log.dirs", dir.toString(), "listeners", "PLAINTEXT://127.0.0.1:0",
                    "http.listeners", "http://127.0.0.1:" + taken.getLocalPort())), Time.SYSTEM).close());
            assertTrue(e.getMessage().contains("http.listeners"), e.getMessage());
        }
    }

    @Test
    void anEmptyHttpListenerServesNoHttpAndTheDefaultIsLocalPort8080() throws Exception {
        assertEquals(new BrokerConfig.HttpListener("127.0.0.1", 8080), BrokerConfig.defaults().httpListener().orElseThrow());
        try (TestBroker broker = TestBroker.start(dir, Map.of("http.listeners", ""))) {
            assertEquals(java.util.Optional.<InetSocketAddress>empty(), broker.broker().httpAddress());
        }
    }
}
