package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.nagare.broker.testing.Http;
import dev.nagare.broker.testing.TestBroker;

/** The JSON API under /api/v1/: topics, partitions, groups with their exact lag, and its errors. */
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

            long step = broker.broker().lagService().sampleNow();
            JsonNode history = get(http, "/api/v1/groups/billing/history", 200);
            JsonNode samples = history.get("topics").get("orders");
            assertEquals(1, samples.size());
            assertEquals(step, samples.get(0).get("timestampMs").asLong());
            assertEquals(12, samples.get(0).get("sumOffsetLag").asLong());
            assertEquals(7, samples.get(0).get("maxOffsetLag").asLong());
            assertEquals(8, samples.get(0).get("committedSum").asLong());
            assertEquals(20, samples.get(0).get("logEndSum").asLong());
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
