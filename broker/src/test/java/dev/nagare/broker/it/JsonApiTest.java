package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.nagare.broker.testing.Http;
import dev.nagare.broker.testing.TestBroker;

/** The JSON API under /api/v1/: topics, partitions, records, groups with their exact lag, and its errors. */
class JsonApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static JsonNode get(InetSocketAddress http, String path, int expectedStatus) throws Exception {
        HttpResponse<String> r = Http.get(http, path);
        assertEquals(expectedStatus, r.statusCode(), path + " answered " + r.body());
        assertEquals("application/json; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
        return JSON.readTree(r.body());
    }

    @Test
    void topicsAndPartitionsShowIdsOverridesOffsetsAndSizes() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, Map.of("offsets.topic.num.partitions", "1"))) {
            MetricsEndpointTest.groupWithKnownLag(broker);
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic("audit", 1, (short) 1)
                        .configs(Map.of("retention.ms", "60000")))).all().get();
            }
            InetSocketAddress http = broker.broker().httpAddress().orElseThrow();

            JsonNode topics = get(http, "/api/v1/topics", 200);
            List<String> names = new ArrayList<>();
            topics.forEach(t -> names.add(t.get("name").asText()));
            assertEquals(List.of("__consumer_offsets", "audit", "orders"), names);
            JsonNode audit = topics.get(1);
            assertEquals(1, audit.get("partitions").asInt());
            assertEquals(false, audit.get("internal").asBoolean());
            assertEquals("60000", audit.get("configs").get("retention.ms").asText());
            assertEquals(true, topics.get(0).get("internal").asBoolean());
            assertEquals(22, audit.get("id").asText().length(), "a Kafka topic id, base64");

            JsonNode orders = get(http, "/api/v1/topics/orders", 200);
            assertEquals(3, orders.get("partitions").asInt());
            assertEquals(0, orders.get("configs").size());

            JsonNode partitions = get(http, "/api/v1/topics/orders/partitions", 200);
            assertEquals(3, partitions.size());
            long[] ends = {10, 4, 6};
            for (int p = 0; p < 3; p++) {
                JsonNode part = partitions.get(p);
                assertEquals(p, part.get("partition").asInt());
                assertEquals(0, part.get("logStartOffset").asLong());
                assertEquals(ends[p], part.get("highWatermark").asLong());
                assertEquals(1, part.get("segments").asInt());
                assertTrue(part.get("sizeBytes").asLong() > 0);
            }
            assertEquals("unknown_topic", get(http, "/api/v1/topics/nope/partitions", 404).get("error").asText());
        }
    }

    @Test
    void aGroupWithNoConsumerRunningShowsItsCommittedOffsetsAndExactLag() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, Map.of("offsets.topic.num.partitions", "1"))) {
            MetricsEndpointTest.groupWithKnownLag(broker);
            InetSocketAddress http = broker.broker().httpAddress().orElseThrow();

            JsonNode groups = get(http, "/api/v1/groups", 200);
            assertEquals(1, groups.size());
            JsonNode billing = get(http, "/api/v1/groups/billing", 200);
            assertEquals("billing", billing.get("groupId").asText());
            assertEquals("Empty", billing.get("state").asText());
            assertEquals(0, billing.get("members").size());
            assertEquals(12, billing.get("totalOffsetLag").asLong());
            long[] committed = {3, 4, 1};
            long[] lags = {7, 0, 5};
            JsonNode partitions = billing.get("partitions");
            assertEquals(3, partitions.size());
            for (int p = 0; p < 3; p++) {
                JsonNode part = partitions.get(p);
                assertEquals("orders", part.get("topic").asText());
                assertEquals(p, part.get("partition").asInt());
                assertEquals(committed[p], part.get("committedOffset").asLong());
                assertEquals(lags[p], part.get("offsetLag").asLong());
            }
            JsonNode topic = billing.get("topics").get(0);
            assertEquals("orders", topic.get("topic").asText());
            assertEquals(12, topic.get("sumOffsetLag").asLong());
            assertEquals(7, topic.get("maxOffsetLag").asLong());
            assertEquals("OK", topic.get("status").asText(), "no history yet, so nothing is growing or stuck");
            assertTrue(topic.get("estimatedMaxTimeLagSeconds").isNull(), "no consume rate known yet");
            assertTrue(partitions.get(0).get("estimatedTimeLagSeconds").isNull());
            assertEquals(0.0, partitions.get(1).get("estimatedTimeLagSeconds").asDouble(), "no lag, nothing to drain");

            long step = broker.broker().lagService().sampleNow();
            JsonNode history = get(http, "/api/v1/groups/billing/history", 200);
            JsonNode samples = history.get("topics").get("orders");
            assertEquals(1, samples.size());
            assertEquals(step, samples.get(0).get("timestampMs").asLong());
            assertEquals(12, samples.get(0).get("sumOffsetLag").asLong());
            assertEquals(7, samples.get(0).get("maxOffsetLag").asLong());
            assertEquals(8, samples.get(0).get("committedSum").asLong());
            assertEquals(20, samples.get(0).get("logEndSum").asLong());
            assertEquals("from must be a whole number, not 'yesterday'",
                    get(http, "/api/v1/groups/billing/history?from=yesterday", 400).get("message").asText());
        }
    }

    @Test
    void anEmptyGroupShowsItsStatusAndWhenItsOffsetsExpireWithWhatEachResetWouldDo() throws Exception {
        long retentionMs = 90 * 60_000L;
        try (TestBroker broker = TestBroker.start(dir, Map.of("offsets.topic.num.partitions", "1",
                "offsets.retention.minutes", "90"))) {
            MetricsEndpointTest.groupWithKnownLag(broker);
            InetSocketAddress http = broker.broker().httpAddress().orElseThrow();

            JsonNode billing = get(http, "/api/v1/groups/billing", 200);
            assertEquals("OK", billing.get("status").asText(), "no history yet, so nothing is growing or stuck");
            assertEquals(-1, billing.get("stateTimestamp").asLong(), "it only committed, it never had members");
            long commitTimestamp = billing.get("partitions").get(0).get("commitTimestamp").asLong();
            for (JsonNode p : billing.get("partitions")) {
                assertEquals(commitTimestamp, p.get("commitTimestamp").asLong(), "one OffsetCommit for all three");
            }
            JsonNode expiry = billing.get("expiry");
            assertEquals(commitTimestamp + retentionMs, expiry.get("earliestExpiryMs").asLong());
            assertEquals(commitTimestamp + retentionMs, expiry.get("latestExpiryMs").asLong());
            assertEquals(12, expiry.get("skippedWithLatest").asLong(), "7 + 0 + 5 records after the commits");
            assertEquals(20, expiry.get("processedWithEarliest").asLong(), "10 + 4 + 6 stored records");
            assertEquals(8, expiry.get("alreadyProcessedWithEarliest").asLong(), "3 + 4 + 1 committed");
            JsonNode listed = get(http, "/api/v1/groups", 200).get(0);
            assertEquals("OK", listed.get("status").asText());
            assertEquals(expiry, listed.get("expiry"), "the list shows the same forecast");
        }
    }

    /**
     * Sends records {@code from} … {@code from + count - 1} to partition 0 of {@code topic} and flushes: with a long
     * {@code linger.ms} one batch. Record i has key k{i}, value v{i}, header trace=t{i} and timestamp
     * {@code t0 + i * stepMs}.
     */
    static void produceOneBatch(KafkaProducer<byte[], byte[]> producer, String topic, int partition, int from,
                                int count, long t0, long stepMs) {
        for (int i = from; i < from + count; i++) {
            RecordHeaders headers = new RecordHeaders();
            headers.add("trace", ("t" + i).getBytes(StandardCharsets.UTF_8));
            producer.send(new ProducerRecord<>(topic, partition, t0 + i * stepMs,
                    ("k" + i).getBytes(StandardCharsets.UTF_8), ("v" + i).getBytes(StandardCharsets.UTF_8), headers));
        }
        producer.flush();
    }

    private static List<Long> offsets(JsonNode page) {
        List<Long> out = new ArrayList<>();
        page.get("records").forEach(r -> out.add(r.get("offset").asLong()));
        return out;
    }

    private static List<String> values(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("records").forEach(r -> out.add(r.get("value").get("data").asText()));
        return out;
    }

    @Test
    void recordsShowTheProducedKeysValuesTimestampsAndHeadersAndPageOnWithNextOffset() throws Exception {
        long t0 = 1_700_000_000_000L;
        try (TestBroker broker = TestBroker.start(dir)) {
            broker.createTopic("events", 1, Map.of());
            try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of("linger.ms", "60000"))) {
                produceOneBatch(producer, "events", 0, 0, 3, t0, 1); // offsets 0-2 in one batch
                produceOneBatch(producer, "events", 0, 3, 2, t0, 1); // 3-4 in another
            }
            InetSocketAddress http = broker.broker().httpAddress().orElseThrow();

            JsonNode page = get(http, "/api/v1/topics/events/partitions/0/records?offset=1&limit=2", 200);
            assertEquals("events", page.get("topic").asText());
            assertEquals(0, page.get("partition").asInt());
            assertEquals(0, page.get("logStartOffset").asLong());
            assertEquals(5, page.get("highWatermark").asLong());
            assertEquals(1, page.get("offset").asLong());
            assertEquals(List.of(1L, 2L), offsets(page), "from the middle of the first batch, skipping offset 0");
            assertEquals(3, page.get("nextOffset").asLong());
            JsonNode first = page.get("records").get(0);
            assertEquals(t0 + 1, first.get("timestamp").asLong());
            assertEquals("CreateTime", first.get("timestampType").asText());
            assertEquals(JSON.readTree("{\"encoding\":\"utf8\",\"data\":\"k1\",\"size\":2,\"truncated\":false}"),
                    first.get("key"));
            assertEquals(JSON.readTree("{\"encoding\":\"utf8\",\"data\":\"v1\",\"size\":2,\"truncated\":false}"),
                    first.get("value"));
            assertEquals(JSON.readTree("[{\"key\":\"trace\",\"value\":"
                    + "{\"encoding\":\"utf8\",\"data\":\"t1\",\"size\":2,\"truncated\":false}}]"),
                    first.get("headers"));

            JsonNode next = get(http, "/api/v1/topics/events/partitions/0/records?offset=3", 200);
            assertEquals(List.of("v3", "v4"), values(next));
            assertEquals(5, next.get("nextOffset").asLong(), "the high watermark: all is read");
            JsonNode all = get(http, "/api/v1/topics/events/partitions/0/records", 200);
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), offsets(all), "from the log start by default, across batches");
            JsonNode end = get(http, "/api/v1/topics/events/partitions/0/records?offset=5", 200);
            assertEquals(0, end.get("records").size());
            assertEquals(5, end.get("nextOffset").asLong());
        }
    }

    @Test
    void recordBytesThatAreNotPrintableUtf8AreBase64AndNullsStayNull() throws Exception {
        byte[] binary = {0, 1, 2, (byte) 0xff};
        try (TestBroker broker = TestBroker.start(dir)) {
            broker.createTopic("mixed", 1, Map.of());
            try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
                producer.send(new ProducerRecord<>("mixed", 0, null, binary)).get();
                producer.send(new ProducerRecord<>("mixed", 0, "流れ".getBytes(StandardCharsets.UTF_8), null)).get();
                producer.send(new ProducerRecord<>("mixed", 0, null, "bell\u0007".getBytes(StandardCharsets.UTF_8))).get();
                producer.send(new ProducerRecord<>("mixed", 0, null, "two\tlines\n".getBytes(StandardCharsets.UTF_8))).get();
            }
            InetSocketAddress http = broker.broker().httpAddress().orElseThrow();
            JsonNode records = get(http, "/api/v1/topics/mixed/partitions/0/records", 200).get("records");

            assertTrue(records.get(0).get("key").isNull());
            assertEquals(JSON.readTree("{\"encoding\":\"base64\",\"data\":\"AAEC/w==\",\"size\":4,\"truncated\":false}"),
                    records.get(0).get("value"));
            assertEquals(JSON.readTree("{\"encoding\":\"utf8\",\"data\":\"流れ\",\"size\":6,\"truncated\":false}"),
                    records.get(1).get("key"));
            assertTrue(records.get(1).get("value").isNull(), "a tombstone");
            assertEquals("base64", records.get(2).get("value").get("encoding").asText(), "a control character");
            assertEquals("YmVsbAc=", records.get(2).get("value").get("data").asText());
            assertEquals("utf8", records.get(3).get("value").get("encoding").asText(), "tab and line feed are text");
            assertEquals("two\tlines\n", records.get(3).get("value").get("data").asText());
            assertEquals(0, records.get(0).get("headers").size());
        }
    }

    @Test
    void lz4AndZstdBatchesAreDecompressedRecordByRecord() throws Exception {
        long t0 = 1_700_000_000_000L;
        try (TestBroker broker = TestBroker.start(dir)) {
            broker.createTopic("packed", 1, Map.of());
            for (String codec : List.of("lz4", "zstd")) {
                try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of("compression.type", codec,
                        "linger.ms", "60000"))) {
                    produceOneBatch(producer, "packed", 0, codec.equals("lz4") ? 0 : 4, 4, t0, 1);
                }
            }
            InetSocketAddress http = broker.broker().httpAddress().orElseThrow();

            JsonNode page = get(http, "/api/v1/topics/packed/partitions/0/records?offset=2&limit=4", 200);
            assertEquals(List.of("v2", "v3", "v4", "v5"), values(page), "the end of the lz4 batch, the start of zstd");
            assertEquals(6, page.get("nextOffset").asLong());
            assertEquals(t0 + 5, page.get("records").get(3).get("timestamp").asLong());
            assertEquals("t5", page.get("records").get(3).get("headers").get(0).get("value").get("data").asText());
        }
    }

    @Test
    void aPageStopsBeforeMaxBytesAndCutsAFieldLongerThanIt() throws Exception {
        byte[] hundred = new byte[100];
        Arrays.fill(hundred, (byte) 'x');
        try (TestBroker broker = TestBroker.start(dir)) {
            broker.createTopic("big", 1, Map.of());
            try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
                for (int i = 0; i < 3; i++) {
                    producer.send(new ProducerRecord<>("big", 0, null, hundred)).get();
                }
            }
            InetSocketAddress http = broker.broker().httpAddress().orElseThrow();

            JsonNode two = get(http, "/api/v1/topics/big/partitions/0/records?maxBytes=250", 200);
            assertEquals(List.of(0L, 1L), offsets(two), "a third 100-byte value would pass 250 bytes");
            assertEquals(2, two.get("nextOffset").asLong());
            JsonNode cut = get(http, "/api/v1/topics/big/partitions/0/records?maxBytes=40", 200);
            assertEquals(List.of(0L), offsets(cut), "the first record always goes in");
            assertEquals(JSON.readTree("{\"encoding\":\"utf8\",\"data\":\"" + "x".repeat(40)
                    + "\",\"size\":100,\"truncated\":true}"), cut.get("records").get(0).get("value"));
            assertEquals(1, cut.get("nextOffset").asLong());
            assertEquals(3, get(http, "/api/v1/topics/big/partitions/0/records?limit=100000", 200)
                    .get("records").size(), "a limit above 500 is lowered, not refused");
        }
    }

    @Test
    void recordsBelowTheLogStartAfterRetentionAnswer416OffsetOutOfRange() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, Map.of("log.retention.check.interval.ms", "100"))) {
            RetentionAndOffsetsTest.threeExpiredSegmentsAndAFreshRecord(broker, "old");
            InetSocketAddress http = broker.broker().httpAddress().orElseThrow();
            long deadline = System.currentTimeMillis() + 20_000;
            while (get(http, "/api/v1/topics/old/partitions", 200).get(0).get("logStartOffset").asLong() < 3
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }

            JsonNode below = get(http, "/api/v1/topics/old/partitions/0/records?offset=1", 416);
            assertEquals("offset_out_of_range", below.get("error").asText());
            assertEquals("Offset 1 is below the log start offset 3 of old-0: retention or DeleteRecords removed the "
                    + "records before it; valid offsets are 3 to 4 (the high watermark)", below.get("message").asText());
            assertEquals("offset_out_of_range",
                    get(http, "/api/v1/topics/old/partitions/0/records?offset=5", 416).get("error").asText());
            JsonNode rest = get(http, "/api/v1/topics/old/partitions/0/records", 200);
            assertEquals(3, rest.get("logStartOffset").asLong());
            assertEquals(List.of("new"), values(rest));
        }
    }

    @Test
    void recordsOfAnUnknownPartitionAnswer404AndBadParameters400() throws Exception {
        try (TestBroker broker = TestBroker.start(dir)) {
            broker.createTopic("events", 2, Map.of());
            InetSocketAddress http = broker.broker().httpAddress().orElseThrow();
            String base = "/api/v1/topics/events/partitions/";
            JsonNode unknown = get(http, base + "2/records", 404);
            assertEquals("unknown_partition", unknown.get("error").asText());
            assertEquals("Topic 'events' has no partition 2 (it has 2)", unknown.get("message").asText());
            assertEquals("unknown_topic", get(http, "/api/v1/topics/nope/partitions/0/records", 404)
                    .get("error").asText());
            assertEquals("offset must be a whole number, not 'abc'",
                    get(http, base + "0/records?offset=abc", 400).get("message").asText());
            assertEquals("limit must be at least 1, not 0", get(http, base + "0/records?limit=0", 400)
                    .get("message").asText());
            assertEquals("bad_request", get(http, base + "0/records?offset=-1", 400).get("error").asText());
            assertEquals("bad_request", get(http, base + "first/records", 400).get("error").asText());
        }
    }

    @Test
    void unknownGroupsAndPathsAnswerJsonErrors() throws Exception {
        try (TestBroker broker = TestBroker.start(dir)) {
            InetSocketAddress http = broker.broker().httpAddress().orElseThrow();
            assertEquals("unknown_group", get(http, "/api/v1/groups/nobody", 404).get("error").asText());
            assertEquals("unknown_group", get(http, "/api/v1/groups/nobody/history", 404).get("error").asText());
            assertEquals("not_found", get(http, "/api/v1/brokers", 404).get("error").asText());
            assertEquals(0, get(http, "/api/v1/groups", 200).size());
        }
    }
}
