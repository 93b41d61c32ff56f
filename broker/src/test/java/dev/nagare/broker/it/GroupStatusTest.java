package dev.nagare.broker.it;

import static dev.nagare.broker.testing.CliRun.nagare;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.nagare.broker.lag.LagHistory;
import dev.nagare.broker.testing.CliRun;
import dev.nagare.broker.testing.Http;
import dev.nagare.broker.testing.SkewedTime;
import dev.nagare.broker.testing.TestBroker;
import dev.nagare.broker.testing.ToolTable;

/**
 * A group's status after Burrow's rules, end to end, one test per state: a real broker whose clock the test moves
 * 10 seconds at a time, a producer appending, the group committing with a real consumer ({@code assign()}, so no
 * member runs), a lag sample taken at every step as the sampler thread would; then the status must be the same on
 * {@code /metrics} ({@code nagare_consumer_group_status}), in {@code GET /api/v1/groups/g} and in
 * {@code nagare lag g}.
 *
 * <p>Each step first changes the offsets, then moves the clock into the next 10-second step and samples, so the first
 * sample of every step (the one the history keeps) sees that step's final offsets, even if the broker's own sampler
 * thread takes it. The clock starts just past a step boundary, and {@value #STEPS} steps cover the 10-minute window.
 */
class GroupStatusTest {

    private static final int STEPS = 61;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final SkewedTime time = new SkewedTime();
    private TestBroker broker;
    private KafkaProducer<byte[], byte[]> producer;
    private KafkaConsumer<byte[], byte[]> committer;

    @BeforeEach
    void startBroker() throws Exception {
        broker = TestBroker.start(dir, Map.of("offsets.topic.num.partitions", "1"), time);
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("orders", 1, (short) 1), new NewTopic("audit", 1, (short) 1)))
                    .all().get();
        }
        producer = broker.producer(Map.of("linger.ms", 5));
        committer = broker.consumer(Map.of("group.id", "g"));
        committer.assign(List.of(tp("orders"), tp("audit")));
    }

    @AfterEach
    void stopBroker() {
        committer.close();
        producer.close();
        broker.close();
    }

    @Test
    void aGroupCommittingFasterThanRecordsArriveIsOk() throws Exception {
        long lag = appendAndCommitEveryStep(400, 100, 2, 5);

        assertStatus("OK", 0, lag, Map.of("orders", "OK"));
    }

    @Test
    void aCommittingGroupWhoseLagGrowsAcrossTheWindowIsWarn() throws Exception {
        long lag = appendAndCommitEveryStep(100, 50, 10, 5);

        assertStatus("WARN", 1, lag, Map.of("orders", "WARN"));
    }

    @Test
    void aLaggingGroupThatKeepsCommittingTheSameOffsetIsStall() throws Exception {
        produce("orders", 100);
        produce("audit", 7);
        commit("orders", 40);
        commit("audit", 7);

        everyStep(i -> {
            produce("orders", 1);
            commit("orders", 40);
            commit("audit", 7);
        });

        long lag = 100 + STEPS - 40;
        assertStatus("STALL", 2, lag, Map.of("orders", "STALL", "audit", "OK"));
    }

    @Test
    void aLaggingGroupWithNoCommitForLongerThanTheWindowIsStop() throws Exception {
        produce("orders", 100);
        commit("orders", 40);

        everyStep(i -> produce("orders", 1));

        long lag = 100 + STEPS - 40;
        assertStatus("STOP", 3, lag, Map.of("orders", "STOP"));
    }

    /**
     * Appends {@code records} to "orders" and commits {@code committed}; then every step appends {@code appended}
     * more and moves the commit {@code advanced} further.
     *
     * @return the lag on "orders" at the end
     */
    private long appendAndCommitEveryStep(int records, long committed, int appended, int advanced) throws Exception {
        produce("orders", records);
        commit("orders", committed);

        everyStep(i -> {
            produce("orders", appended);
            commit("orders", committed + (long) advanced * i);
        });

        return records + (long) appended * STEPS - (committed + (long) advanced * STEPS);
    }

    /** One step: what the producer and the group do in it. */
    private interface Step {
        void run(int i) throws Exception;
    }

    /**
     * Samples the starting point, then {@value #STEPS} times: runs {@code step}, moves the clock 10 s and samples.
     */
    private void everyStep(Step step) throws Exception {
        long stepMs = LagHistory.STEP_MS;
        time.advance(stepMs - Math.floorMod(time.milliseconds(), stepMs) + 500); // just past a step boundary
        broker.broker().lagService().sampleNow();
        for (int i = 1; i <= STEPS; i++) {
            step.run(i);
            time.advance(stepMs);
            broker.broker().lagService().sampleNow();
        }
    }

    /** The group's status, its topics' and its lag on "orders" as the metrics, the JSON API and the CLI show them. */
    private void assertStatus(String status, int code, long ordersLag, Map<String, String> topicStatus)
            throws Exception {
        InetSocketAddress http = broker.broker().httpAddress().orElseThrow();

        double metric = MetricsEndpointTest.scrape(broker).value("nagare_consumer_group_status", "consumer_group", "g");
        HttpResponse<String> response = Http.get(http, "/api/v1/groups/g");
        CliRun cli = nagare("lag", "g", "--bootstrap-server", broker.bootstrap(),
                "--http", "http://127.0.0.1:" + http.getPort());

        assertEquals(code, metric, "nagare_consumer_group_status");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode group = JSON.readTree(response.body());
        assertEquals(status, group.get("status").asText(), response.body());
        Map<String, String> apiTopics = new HashMap<>();
        group.get("topics").forEach(t -> apiTopics.put(t.get("topic").asText(), t.get("status").asText()));
        assertEquals(topicStatus, apiTopics, response.body());
        assertEquals(ordersLag, group.get("totalOffsetLag").asLong(), response.body());

        assertEquals(0, cli.exitCode(), cli.toString());
        assertTrue(cli.out().startsWith("Consumer group 'g': Empty, 0 members\nStatus: " + status + "\n\n"),
                cli.out());
        Map<String, String> cliTopics = new HashMap<>();
        List<String> orders = new ArrayList<>();
        for (List<String> row : ToolTable.parse(cli.out(),
                "TOPIC", "PARTITIONS", "SumOffsetLag", "MaxOffsetLag", "MaxTimeLag", "STATUS").rows()) {
            cliTopics.put(row.get(0), row.get(5));
            if (row.get(0).equals("orders")) {
                orders = row.subList(0, 4);
            }
        }
        assertEquals(topicStatus, cliTopics, cli.out());
        assertEquals(List.of("orders", "1", String.valueOf(ordersLag), String.valueOf(ordersLag)), orders, cli.out());
    }

    private void produce(String topic, int records) throws Exception {
        for (int r = 0; r < records; r++) {
            producer.send(new ProducerRecord<>(topic, 0, null, new byte[1]));
        }
        producer.flush();
    }

    private void commit(String topic, long offset) {
        committer.commitSync(Map.of(tp(topic), new OffsetAndMetadata(offset)));
    }

    private static TopicPartition tp(String topic) {
        return new TopicPartition(topic, 0);
    }
}
