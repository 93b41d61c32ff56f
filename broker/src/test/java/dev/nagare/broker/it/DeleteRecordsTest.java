package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.testing.KafkaTools;
import dev.nagare.broker.testing.Polling;
import dev.nagare.broker.testing.RawClient;
import dev.nagare.broker.testing.SharedBroker;
import dev.nagare.broker.testing.SkewedTime;
import dev.nagare.broker.testing.TestBroker;

/**
 * DeleteRecords through the AdminClient, {@code kafka-delete-records} and exact requests: the log start offset moves,
 * whole segments below it go, fetches below it are out of range, and all of it survives a restart. The errors are
 * what a Kafka 4.1 node answered to the same requests (checked with {@code /work/shared/tools/peer-kafka}).
 */
class DeleteRecordsTest {

    @RegisterExtension
    static final SharedBroker shared = new SharedBroker();

    @Test
    void theNewLogStartHoldsForFetchesListOffsetsSegmentsAndARestart(@TempDir Path own) throws Exception {
        SkewedTime time = new SkewedTime();
        try (TestBroker b = TestBroker.start(own.resolve("data"), Map.of(), time)) {
            b.createTopic("dr", 1, Map.of("segment.ms", "1"));
            try (KafkaProducer<byte[], byte[]> producer = b.producer(Map.of())) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("dr", 0, null, bytes("r" + i))).get();
                    time.advance(5); // segment.ms=1 on the broker's clock: each record in a segment of its own
                }
            }
            TopicPartition tp = new TopicPartition("dr", 0);
            try (Admin admin = b.admin()) {
                long low = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(6))).lowWatermarks().get(tp).get().lowWatermark();
                assertEquals(6, low);
                assertEquals(6, admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset());
                assertEquals(10, admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset());
            }
            Path partitionDir = own.resolve("data").resolve("dr-0");
            assertEquals(Set.of(6L, 7L, 8L, 9L), segmentBaseOffsets(partitionDir), "segments 0-5 lay wholly below 6");

            assertFirstRecordAfterSeekingTo(b, 3, "earliest", 6, "r6");
            assertFirstRecordAfterSeekingTo(b, 7, "earliest", 7, "r7");
            try (KafkaConsumer<byte[], byte[]> consumer = b.consumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"))) {
                consumer.assign(List.of(tp));
                consumer.seek(tp, 3);
                OffsetOutOfRangeException e = assertThrows(OffsetOutOfRangeException.class, () -> consumer.poll(Duration.ofSeconds(10)));
                assertEquals(Map.of(tp, 3L), e.offsetOutOfRangePartitions());
            }

            b.restart();
            try (Admin admin = b.admin()) {
                assertEquals(6, admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset());
            }
            assertEquals(Set.of(6L, 7L, 8L, 9L), segmentBaseOffsets(partitionDir));
            assertFirstRecordAfterSeekingTo(b, 0, "earliest", 6, "r6");
            assertFirstRecordAfterSeekingTo(b, 0, "latest", -1, null);
        }
    }

    @Test
    void eachPartitionGetsKafkasAnswer() throws Exception {
        shared.broker().createTopic("dr-errors", 2, Map.of());
        shared.broker().createTopic("dr-compact", 1, Map.of("cleanup.policy", "compact"));
        shared.broker().createTopic("dr-compact-delete", 1, Map.of("cleanup.policy", "compact,delete"));
        try (KafkaProducer<byte[], byte[]> producer = shared.broker().producer(Map.of())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("dr-errors", 0, bytes("k"), bytes("v" + i))).get();
                producer.send(new ProducerRecord<>("dr-compact", 0, bytes("k"), bytes("v" + i))).get();
                producer.send(new ProducerRecord<>("dr-compact-delete", 0, bytes("k"), bytes("v" + i))).get();
            }
        }
        try (Admin admin = shared.broker().admin()) { // so that __consumer_offsets exists
            admin.alterConsumerGroupOffsets("dr-group", Map.of(new TopicPartition("dr-errors", 0), new OffsetAndMetadata(0))).all().get();
        }
        for (short v = ApiKeys.DELETE_RECORDS.oldestVersion(); v <= ApiKeys.DELETE_RECORDS.latestVersion(); v++) {
            assertEquals(List.of(
                    "dr-errors-0: NONE 2",
                    "dr-errors-1: OFFSET_OUT_OF_RANGE -1", // 1 is above its high watermark, 0
                    "dr-errors-7: UNKNOWN_TOPIC_OR_PARTITION -1",
                    "dr-compact-0: POLICY_VIOLATION -1",
                    "dr-compact-delete-0: NONE 5", // -1: the high watermark
                    "dr-nope-0: UNKNOWN_TOPIC_OR_PARTITION -1",
                    "__consumer_offsets-0: INVALID_TOPIC_EXCEPTION -1"), send(v,
                    topic("dr-errors", 0, 2, 1, 1, 7, 1), topic("dr-compact", 0, 1), topic("dr-compact-delete", 0, -1),
                    topic("dr-nope", 0, 1), topic("__consumer_offsets", 0, 0)), "v" + v);
        }
        assertEquals(List.of("dr-errors-0: NONE 2"), send((short) 2, topic("dr-errors", 0, 1)),
                "below the log start: nothing to do, the answer is the log start");
        assertEquals(List.of("dr-errors-0: OFFSET_OUT_OF_RANGE -1"), send((short) 2, topic("dr-errors", 0, -2)));
        assertEquals(List.of("dr-errors-0: NONE 3"), send((short) 2, topic("dr-errors", 0, 4, 0, 3)),
                "a partition named twice is answered once, for the offset named last");
    }

    @Test
    void kafkaDeleteRecordsToolPrintsEachPartitionsLowWatermarkOrError(@TempDir Path dir) throws Exception {
        shared.broker().createTopic("cli-dr", 2, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = shared.broker().producer(Map.of())) {
            for (int i = 0; i < 4; i++) {
                producer.send(new ProducerRecord<>("cli-dr", 0, null, bytes("v" + i))).get();
            }
        }
        Path json = dir.resolve("delete-records.json");
        Files.writeString(json, "{\"partitions\":[{\"topic\":\"cli-dr\",\"partition\":0,\"offset\":3},"
                + "{\"topic\":\"cli-dr\",\"partition\":1,\"offset\":99}],\"version\":1}");
        KafkaTools.Result r = KafkaTools.run(shared.broker().bootstrap(), "org.apache.kafka.tools.DeleteRecordsCommand",
                "--offset-json-file", json.toString()).assertSuccess();
        List<String> out = r.stdout().lines().toList();
        assertEquals(List.of("Executing records delete operation", "Records delete operation completed:"), out.subList(0, 2));
        assertEquals(Set.of("partition: cli-dr-0\tlow_watermark: 3",
                "partition: cli-dr-1\terror: org.apache.kafka.common.errors.OffsetOutOfRangeException: The requested offset is not within the range of offsets maintained by the server."),
                Set.copyOf(out.subList(2, out.size())), r.stdout());
        assertEquals(4, out.size(), r.stdout());
    }

    /** Seeks a fresh consumer to {@code offset} and expects the first record it gets, or none with {@code expectedOffset} -1. */
    private static void assertFirstRecordAfterSeekingTo(TestBroker b, long offset, String reset, long expectedOffset,
                                                        String expectedValue) {
        TopicPartition tp = new TopicPartition("dr", 0);
        try (KafkaConsumer<byte[], byte[]> consumer = b.consumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, reset))) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, offset);
            List<ConsumerRecord<byte[], byte[]>> got = Polling.pollAtLeast(consumer, 1, Duration.ofSeconds(expectedOffset < 0 ? 2 : 10));
            if (expectedOffset < 0) {
                assertEquals(List.of(), got);
                assertEquals(10, consumer.position(tp), "auto.offset.reset=latest goes to the end");
                return;
            }
            assertEquals(expectedOffset, got.get(0).offset());
            assertEquals(expectedValue, new String(got.get(0).value(), StandardCharsets.UTF_8));
        }
    }

    private static Set<Long> segmentBaseOffsets(Path partitionDir) throws Exception {
        try (Stream<Path> files = Files.list(partitionDir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".log"))
                    .map(n -> Long.parseLong(n.substring(0, n.length() - ".log".length()))).collect(Collectors.toSet());
        }
    }

    /** A topic of a DeleteRecords request: pairs of partition and offset. */
    private static DeleteRecordsTopic topic(String name, long... partitionsAndOffsets) {
        DeleteRecordsTopic t = new DeleteRecordsTopic().setName(name);
        for (int i = 0; i < partitionsAndOffsets.length; i += 2) {
            t.partitions().add(new DeleteRecordsPartition().setPartitionIndex((int) partitionsAndOffsets[i])
                    .setOffset(partitionsAndOffsets[i + 1]));
        }
        return t;
    }

    /** Sends DeleteRecords; each answer as "topic-partition: ERROR lowWatermark", in the response's order. */
    private static List<String> send(short version, DeleteRecordsTopic... topics) throws Exception {
        DeleteRecordsRequestData data = new DeleteRecordsRequestData().setTimeoutMs(5000).setTopics(List.of(topics));
        try (RawClient raw = new RawClient("127.0.0.1", shared.broker().port())) {
            DeleteRecordsResponse response = raw.roundTrip(new DeleteRecordsRequest.Builder(data).build(version));
            return response.data().topics().stream().flatMap((DeleteRecordsResponseData.DeleteRecordsTopicResult t) ->
                    t.partitions().stream().map(p -> t.name() + "-" + p.partitionIndex() + ": "
                            + Errors.forCode(p.errorCode()) + " " + p.lowWatermark())).toList();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
