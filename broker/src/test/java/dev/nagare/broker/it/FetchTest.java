package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.testing.RawClient;
import dev.nagare.broker.testing.TestBroker;

/** Fetch at the protocol level: long polling, size limits, sessions, offsets out of range. */
class FetchTest {

    @TempDir
    static Path dir;
    static TestBroker broker;
    static Uuid topicId;
    static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir);
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("waits", 1, (short) 1), new NewTopic("sizes", 1, (short) 1),
                    new NewTopic("sess", 3, (short) 1),
                    new NewTopic("big", 2, (short) 1), new NewTopic("large", 3, (short) 1))).all().get();
            topicId = admin.describeTopics(List.of("waits")).allTopicNames().get().get("waits").topicId();
        }
        producer = broker.producer(Map.of());
    }

    @AfterAll
    static void stop() {
        producer.close();
        broker.close();
    }

    private static FetchRequestData fetch(String topic, int partition, long offset, int maxWait, int minBytes,
                                          int maxBytes, int partitionMaxBytes) {
        FetchRequestData data = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(maxWait).setMinBytes(minBytes)
                .setMaxBytes(maxBytes).setIsolationLevel(IsolationLevel.READ_UNCOMMITTED.id())
                .setSessionId(0).setSessionEpoch(-1);
        data.topics().add(new FetchRequestData.FetchTopic().setTopic(topic).setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(partition).setFetchOffset(offset)
                        .setPartitionMaxBytes(partitionMaxBytes).setCurrentLeaderEpoch(-1).setLogStartOffset(-1))));
        return data;
    }

    private static FetchResponseData.PartitionData only(FetchResponse r) {
        assertEquals(1, r.data().responses().size());
        assertEquals(1, r.data().responses().get(0).partitions().size());
        return r.data().responses().get(0).partitions().get(0);
    }

    @Test
    void aFetchWithNothingToReadReturnsWhenMaxWaitEnds() throws Exception {
        try (RawClient c = broker.rawClient()) {
            long start = System.nanoTime();
            long end = broker.consumer(Map.of()).endOffsets(List.of(new org.apache.kafka.common.TopicPartition("waits", 0)))
                    .values().iterator().next();
            FetchResponse r = c.roundTrip(new FetchRequest(fetch("waits", 0, end, 500, 1, 1 << 20, 1 << 20), (short) 12));
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(elapsedMs >= 450, "waited for max.wait.ms: " + elapsedMs);
            assertTrue(elapsedMs < 3000, "did not wait much longer than max.wait.ms: " + elapsedMs);
            assertEquals(Errors.NONE.code(), only(r).errorCode());
            assertEquals(0, only(r).records().sizeInBytes());
        }
    }

    @Test
    void anAppendAnswersAWaitingFetchAtOnce() throws Exception {
        try (RawClient c = broker.rawClient()) {
            long end = broker.consumer(Map.of()).endOffsets(List.of(new org.apache.kafka.common.TopicPartition("waits", 0)))
                    .values().iterator().next();
            long start = System.nanoTime();
            c.send(new FetchRequest(fetch("waits", 0, end, 20_000, 1, 1 << 20, 1 << 20), (short) 12));
            Thread.sleep(200); // let the fetch start waiting
            producer.send(new ProducerRecord<>("waits", 0, null, "wake".getBytes())).get();
            RawClient.Received got = c.receive(org.apache.kafka.common.protocol.ApiKeys.FETCH, (short) 12);
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            FetchResponseData.PartitionData p = only((FetchResponse) got.response());
            assertTrue(p.records().sizeInBytes() > 0, "the appended record is in the answer");
            assertTrue(elapsedMs < 10_000, "answered by the append, long before max.wait.ms: " + elapsedMs);
            assertEquals(end + 1, p.highWatermark());
        }
    }

    @Test
    void theFirstBatchIsReturnedWholeEvenWhenLargerThanTheLimits() throws Exception {
        producer.send(new ProducerRecord<>("sizes", 0, null, new byte[50_000])).get();
        try (RawClient c = broker.rawClient()) {
            FetchResponse r = c.roundTrip(new FetchRequest(fetch("sizes", 0, 0, 0, 1, 1000, 1000), (short) 12));
            MemoryRecords records = (MemoryRecords) only(r).records();
            RecordBatch batch = records.batches().iterator().next();
            assertTrue(batch.sizeInBytes() > 50_000);
            assertEquals(batch.sizeInBytes(), records.sizeInBytes(), "exactly the one whole batch");
            batch.ensureValid();
        }
    }

    @Test
    void aLaterPartitionWhoseFirstBatchDoesNotFitAnswersEmptyNotCut() throws Exception {
        producer.send(new ProducerRecord<>("big", 0, null, "small".getBytes())).get();
        producer.send(new ProducerRecord<>("big", 1, null, new byte[30_000])).get();
        try (RawClient c = broker.rawClient()) {
            FetchRequestData data = fetch("big", 0, 0, 0, 1, 1 << 20, 10_000);
            FetchRequestData.FetchTopic topic = data.topics().get(0);
            topic.setPartitions(List.of(topic.partitions().get(0), new FetchRequestData.FetchPartition().setPartition(1)
                    .setFetchOffset(0).setPartitionMaxBytes(10_000).setCurrentLeaderEpoch(-1).setLogStartOffset(-1)));
            FetchResponse r = c.roundTrip(new FetchRequest(data, (short) 12));
            List<FetchResponseData.PartitionData> parts = r.data().responses().get(0).partitions();
            assertEquals(1, ((MemoryRecords) parts.get(0).records()).batches().iterator().next().countOrNull());
            assertEquals(Errors.NONE.code(), parts.get(1).errorCode());
            assertEquals(0, parts.get(1).records().sizeInBytes(), "the 30 kB batch does not fit 10 kB: nothing, not a part");
            assertEquals(1, parts.get(1).highWatermark());
        }
    }

    @Test
    void aConsumerReadsBatchesLargerThanItsPartitionLimitOnEveryPartition() throws Exception {
        for (int p = 0; p < 3; p++) {
            for (int i = 0; i < 4; i++) {
                producer.send(new ProducerRecord<>("large", p, null, new byte[20_000 + i])).get();
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of(
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 5_000, ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 1 << 20))) {
            List<TopicPartition> tps = List.of(new TopicPartition("large", 0), new TopicPartition("large", 1),
                    new TopicPartition("large", 2));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, List<Integer>> sizes = new java.util.TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int count = 0;
            while (count < 12 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(java.time.Duration.ofMillis(200))) {
                    sizes.computeIfAbsent(new TopicPartition(rec.topic(), rec.partition()), k -> new java.util.ArrayList<>())
                            .add(rec.value().length);
                    count++;
                }
            }
            List<Integer> expected = List.of(20_000, 20_001, 20_002, 20_003);
            assertEquals(Map.of(tps.get(0), expected, tps.get(1), expected, tps.get(2), expected), sizes);
        }
    }

    @Test
    void aFetchBelowTheLogStartOrBeyondTheEndIsOffsetOutOfRange() throws Exception {
        try (RawClient c = broker.rawClient()) {
            FetchResponse r = c.roundTrip(new FetchRequest(fetch("sizes", 0, 1_000_000, 0, 1, 1000, 1000), (short) 12));
            assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), only(r).errorCode());
            FetchResponse neg = c.roundTrip(new FetchRequest(fetch("sizes", 0, -5, 0, 1, 1000, 1000), (short) 12));
            assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), only(neg).errorCode());
        }
    }

    @Test
    void anIncrementalFetchSessionReturnsOnlyPartitionsWithNews() throws Exception {
        try (RawClient c = broker.rawClient()) {
            FetchRequestData full = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0)
                    .setMaxBytes(1 << 20).setSessionId(0).setSessionEpoch(0);
            FetchRequestData.FetchTopic t = new FetchRequestData.FetchTopic().setTopic("sess");
            for (int p = 0; p < 3; p++) {
                t.partitions().add(new FetchRequestData.FetchPartition().setPartition(p).setFetchOffset(0)
                        .setPartitionMaxBytes(1 << 20).setCurrentLeaderEpoch(-1).setLogStartOffset(-1));
            }
            full.topics().add(t);
            FetchResponse first = c.roundTrip(new FetchRequest(full, (short) 12));
            int sessionId = first.data().sessionId();
            assertNotEquals(0, sessionId, "a session was created");
            assertEquals(3, first.data().responses().get(0).partitions().size(), "a full response names every partition");

            FetchRequestData nothingNew = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0)
                    .setMaxBytes(1 << 20).setSessionId(sessionId).setSessionEpoch(1);
            FetchResponse second = c.roundTrip(new FetchRequest(nothingNew, (short) 12));
            assertEquals(Errors.NONE.code(), second.data().errorCode());
            assertEquals(sessionId, second.data().sessionId());
            assertEquals(0, second.data().responses().size(), "nothing changed, nothing said");

            producer.send(new ProducerRecord<>("sess", 1, null, "news".getBytes())).get();
            FetchResponse third = c.roundTrip(new FetchRequest(nothingNew.duplicate().setSessionEpoch(2), (short) 12));
            assertEquals(1, third.data().responses().size());
            assertEquals(List.of(1), third.data().responses().get(0).partitions().stream()
                    .map(FetchResponseData.PartitionData::partitionIndex).toList());

            FetchResponse stale = c.roundTrip(new FetchRequest(nothingNew.duplicate().setSessionEpoch(2), (short) 12));
            assertEquals(Errors.INVALID_FETCH_SESSION_EPOCH.code(), stale.data().errorCode());
            FetchResponse unknown = c.roundTrip(new FetchRequest(nothingNew.duplicate().setSessionId(sessionId + 1).setSessionEpoch(1), (short) 12));
            assertEquals(Errors.FETCH_SESSION_ID_NOT_FOUND.code(), unknown.data().errorCode());
        }
    }

    /** Opens a session on partition 0 of {@code topic} at {@code offset}; returns its id. */
    private static int openSession(RawClient c, String topic, long offset) throws Exception {
        FetchRequestData full = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0)
                .setMaxBytes(1 << 20).setSessionId(0).setSessionEpoch(0);
        full.topics().add(new FetchRequestData.FetchTopic().setTopic(topic).setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(offset)
                        .setPartitionMaxBytes(1 << 20).setCurrentLeaderEpoch(-1).setLogStartOffset(-1))));
        FetchResponse first = c.roundTrip(new FetchRequest(full, (short) 12));
        assertEquals(Errors.NONE.code(), only(first).errorCode());
        return first.data().sessionId();
    }

    private static FetchResponse incremental(RawClient c, int sessionId, int epoch) throws Exception {
        return c.roundTrip(new FetchRequest(new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0)
                .setMaxBytes(1 << 20).setSessionId(sessionId).setSessionEpoch(epoch), (short) 12));
    }

    @Test
    void aCaughtUpSessionPartitionIsReportedWhenItsLogStartMoves() throws Exception {
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("trimmed", 1, (short) 1))).all().get();
        }
        producer.send(new ProducerRecord<>("trimmed", 0, null, "a".getBytes())).get();
        producer.send(new ProducerRecord<>("trimmed", 0, null, "b".getBytes())).get();
        try (RawClient c = broker.rawClient(); Admin admin = broker.admin()) {
            int session = openSession(c, "trimmed", 2);
            assertEquals(0, incremental(c, session, 1).data().responses().size(), "caught up, nothing moved");
            admin.deleteRecords(Map.of(new TopicPartition("trimmed", 0),
                    org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(2))).all().get();
            FetchResponseData.PartitionData p = only(incremental(c, session, 2));
            assertEquals(Errors.NONE.code(), p.errorCode());
            assertEquals(2, p.logStartOffset());
            assertEquals(2, p.highWatermark());
            assertEquals(0, p.records().sizeInBytes());
        }
    }

    @Test
    void aSessionPartitionWhoseTopicIsDeletedAndCreatedAgainReadsTheNewLog() throws Exception {
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("reborn", 1, (short) 1))).all().get();
        }
        try (RawClient c = broker.rawClient(); Admin admin = broker.admin()) {
            int session = openSession(c, "reborn", 0);
            assertEquals(0, incremental(c, session, 1).data().responses().size(), "empty and caught up");

            admin.deleteTopics(List.of("reborn")).all().get();
            FetchResponseData.PartitionData gone = only(incremental(c, session, 2));
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), gone.errorCode());

            admin.createTopics(List.of(new NewTopic("reborn", 1, (short) 1))).all().get();
            producer.send(new ProducerRecord<>("reborn", 0, null, "again".getBytes())).get();
            FetchResponseData.PartitionData back = only(incremental(c, session, 3));
            assertEquals(Errors.NONE.code(), back.errorCode());
            assertEquals(1, back.highWatermark());
            MemoryRecords records = (MemoryRecords) back.records();
            assertEquals("again", new String(org.apache.kafka.common.utils.Utils.toArray(
                    records.records().iterator().next().value())));
        }
    }

    private static FetchRequestData.FetchTopic fetchTopic(String topic, int[] partitions, long offset) {
        FetchRequestData.FetchTopic t = new FetchRequestData.FetchTopic().setTopic(topic);
        for (int p : partitions) {
            t.partitions().add(new FetchRequestData.FetchPartition().setPartition(p).setFetchOffset(offset)
                    .setPartitionMaxBytes(1 << 20).setCurrentLeaderEpoch(-1).setLogStartOffset(-1));
        }
        return t;
    }

    @Test
    void anIncrementalFetchReadsAPartitionTheLastResponseHadNoRoomForWithoutItBeingNamed() throws Exception {
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("crowded", 2, (short) 1))).all().get();
        }
        producer.send(new ProducerRecord<>("crowded", 0, null, new byte[20_000])).get();
        producer.send(new ProducerRecord<>("crowded", 1, null, new byte[20_000])).get();
        try (RawClient c = broker.rawClient()) {
            FetchRequestData full = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0)
                    .setMaxBytes(1000).setSessionId(0).setSessionEpoch(0);
            full.topics().add(fetchTopic("crowded", new int[] {0, 1}, 0));
            FetchResponse first = c.roundTrip(new FetchRequest(full, (short) 12));
            List<FetchResponseData.PartitionData> parts = first.data().responses().get(0).partitions();
            assertTrue(parts.get(0).records().sizeInBytes() > 20_000, "the first partition's batch, whole");
            assertEquals(0, parts.get(1).records().sizeInBytes(), "no room left for the second");

            // as a consumer does: it names the partition it advanced, not the one that got nothing
            FetchRequestData next = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0)
                    .setMaxBytes(1 << 20).setSessionId(first.data().sessionId()).setSessionEpoch(1);
            next.topics().add(fetchTopic("crowded", new int[] {0}, 1));
            FetchResponse second = c.roundTrip(new FetchRequest(next, (short) 12));
            FetchResponseData.PartitionData p = only(second);
            assertEquals(1, p.partitionIndex());
            assertTrue(p.records().sizeInBytes() > 20_000, "the left-behind batch comes now");
        }
    }

    @Test
    void aWaitingIncrementalFetchIsAnsweredByAnAppendToAnyPartitionOfItsSession() throws Exception {
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("quiet", 3, (short) 1))).all().get();
        }
        try (RawClient c = broker.rawClient()) {
            FetchRequestData full = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0)
                    .setMaxBytes(1 << 20).setSessionId(0).setSessionEpoch(0);
            full.topics().add(fetchTopic("quiet", new int[] {0, 1, 2}, 0));
            FetchResponse opened = c.roundTrip(new FetchRequest(full, (short) 12));
            int session = opened.data().sessionId();
            assertAppendAnswers(c, session, 1, 1);
            // the consumer moves on: partition 1 at offset 1 from now on; nothing else is new
            FetchRequestData moved = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0)
                    .setMaxBytes(1 << 20).setSessionId(session).setSessionEpoch(2);
            moved.topics().add(fetchTopic("quiet", new int[] {1}, 1));
            FetchResponse nothing = c.roundTrip(new FetchRequest(moved, (short) 12));
            assertEquals(0, nothing.data().responses().size());
            assertAppendAnswers(c, session, 3, 2);
        }
    }

    /** Sends a waiting incremental fetch, appends to {@code partition} of "quiet", expects just that in the answer. */
    private static void assertAppendAnswers(RawClient c, int session, int epoch, int partition) throws Exception {
        long start = System.nanoTime();
        c.send(new FetchRequest(new FetchRequestData().setReplicaId(-1).setMaxWaitMs(20_000).setMinBytes(1)
                .setMaxBytes(1 << 20).setSessionId(session).setSessionEpoch(epoch), (short) 12));
        Thread.sleep(200); // let the fetch start waiting
        producer.send(new ProducerRecord<>("quiet", partition, null, "wake".getBytes())).get();
        FetchResponse r = (FetchResponse) c.receive(org.apache.kafka.common.protocol.ApiKeys.FETCH, (short) 12).response();
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(elapsedMs < 10_000, "answered by the append, long before max.wait.ms: " + elapsedMs);
        FetchResponseData.PartitionData p = only(r);
        assertEquals(partition, p.partitionIndex());
        assertEquals(1, p.highWatermark());
        assertTrue(p.records().sizeInBytes() > 0);
    }

    @Test
    void fetchV13AndLaterNameTopicsById() throws Exception {
        producer.send(new ProducerRecord<>("waits", 0, null, "by-id".getBytes())).get();
        try (RawClient c = broker.rawClient()) {
            FetchRequestData data = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0)
                    .setMaxBytes(1 << 20).setSessionId(0).setSessionEpoch(-1);
            data.topics().add(new FetchRequestData.FetchTopic().setTopicId(topicId).setPartitions(List.of(
                    new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1 << 20)
                            .setCurrentLeaderEpoch(-1).setLogStartOffset(-1))));
            data.topics().add(new FetchRequestData.FetchTopic().setTopicId(Uuid.randomUuid()).setPartitions(List.of(
                    new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1 << 20)
                            .setCurrentLeaderEpoch(-1).setLogStartOffset(-1))));
            FetchResponse r = c.roundTrip(new FetchRequest(data, (short) 17));
            assertEquals(topicId, r.data().responses().get(0).topicId());
            assertTrue(r.data().responses().get(0).partitions().get(0).records().sizeInBytes() > 0);
            assertEquals(Errors.UNKNOWN_TOPIC_ID.code(), r.data().responses().get(1).partitions().get(0).errorCode());
        }
    }
}
