package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.testing.RawClient;
import dev.nagare.broker.testing.TestBroker;

/** Exact requests and exact answers: versions, Kafka's error codes, request ordering, bad bytes. */
class ProtocolTest {

    @TempDir
    static Path dir;
    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir, Map.of("message.max.bytes", "2000"));
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("p", 2, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void apiVersionsAdvertisesEveryVersionKafkaClientsDefinesForEachServedApi() throws Exception {
        try (RawClient c = broker.rawClient()) {
            ApiVersionsResponse r = c.roundTrip(new ApiVersionsRequest.Builder().build((short) 4));
            assertEquals(Errors.NONE.code(), r.data().errorCode());
            ApiVersionsResponseData.ApiVersion produce = r.data().apiKeys().find(ApiKeys.PRODUCE.id);
            assertEquals(ApiKeys.PRODUCE.oldestVersion(), produce.minVersion());
            assertEquals(ApiKeys.PRODUCE.latestVersion(), produce.maxVersion());
            ApiVersionsResponseData.ApiVersion fetch = r.data().apiKeys().find(ApiKeys.FETCH.id);
            assertEquals(ApiKeys.FETCH.latestVersion(), fetch.maxVersion());
            assertEquals(null, r.data().apiKeys().find(ApiKeys.CONSUMER_GROUP_HEARTBEAT.id),
                    "KIP-848 heartbeats are not advertised");
        }
    }

    @Test
    void aTooNewApiVersionsGetsUnsupportedVersionWithTheSupportedRanges() throws Exception {
        try (RawClient c = broker.rawClient()) {
            // ApiVersions v99, header v2 (flexible), as a future client would send it.
            RequestHeader header = new RequestHeader(new org.apache.kafka.common.message.RequestHeaderData()
                    .setRequestApiKey(ApiKeys.API_VERSIONS.id).setRequestApiVersion((short) 99)
                    .setClientId("future").setCorrelationId(7), (short) 2);
            var cache = new org.apache.kafka.common.protocol.ObjectSerializationCache();
            ByteBuffer h = ByteBuffer.allocate(header.data().size(cache, (short) 2));
            header.data().write(new org.apache.kafka.common.protocol.ByteBufferAccessor(h), cache, (short) 2);
            byte[] body = {0, 0, 0}; // empty compact strings + no tagged fields, whatever v99 is
            ByteBuffer frame = ByteBuffer.allocate(4 + h.capacity() + body.length);
            frame.putInt(h.capacity() + body.length).put(h.array()).put(body);
            c.sendRaw(frame.array());
            RawClient.Received got = c.receive(ApiKeys.API_VERSIONS, (short) 0);
            assertEquals(7, got.correlationId());
            ApiVersionsResponseData data = ((ApiVersionsResponse) got.response()).data();
            assertEquals(Errors.UNSUPPORTED_VERSION.code(), data.errorCode());
            assertEquals(ApiKeys.API_VERSIONS.latestVersion(), data.apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion());
        }
    }

    @Test
    void responsesOnOneConnectionComeBackInRequestOrder() throws Exception {
        try (RawClient c = broker.rawClient()) {
            int first = c.send(new ApiVersionsRequest.Builder().build((short) 3));
            int second = c.send(new MetadataRequest.Builder(new MetadataRequestData().setTopics(null)).build((short) 12));
            int third = c.send(new ApiVersionsRequest.Builder().build((short) 3));
            assertEquals(first, c.receive(ApiKeys.API_VERSIONS, (short) 3).correlationId());
            RawClient.Received metadata = c.receive(ApiKeys.METADATA, (short) 12);
            assertEquals(second, metadata.correlationId());
            assertNotNull(((MetadataResponse) metadata.response()).topicMetadata().stream()
                    .filter(t -> t.topic().equals("p")).findFirst().orElse(null));
            assertEquals(third, c.receive(ApiKeys.API_VERSIONS, (short) 3).correlationId());
        }
    }

    @Test
    void createTopicsAnswersKafkasErrorForEachBadTopic() throws Exception {
        try (RawClient c = broker.rawClient()) {
            CreateTopicsRequestData.CreatableTopicCollection topics = new CreateTopicsRequestData.CreatableTopicCollection();
            topics.add(new CreateTopicsRequestData.CreatableTopic().setName("p").setNumPartitions(1).setReplicationFactor((short) 1));
            topics.add(new CreateTopicsRequestData.CreatableTopic().setName("bad name!").setNumPartitions(1).setReplicationFactor((short) 1));
            topics.add(new CreateTopicsRequestData.CreatableTopic().setName("zero").setNumPartitions(0).setReplicationFactor((short) 1));
            topics.add(new CreateTopicsRequestData.CreatableTopic().setName("three").setNumPartitions(1).setReplicationFactor((short) 3));
            CreateTopicsRequestData.CreatableTopic badConfig = new CreateTopicsRequestData.CreatableTopic()
                    .setName("cfg").setNumPartitions(1).setReplicationFactor((short) 1);
            badConfig.configs().add(new CreateTopicsRequestData.CreatableTopicConfig().setName("no.such.config").setValue("1"));
            topics.add(badConfig);
            CreateTopicsRequestData.CreatableTopic badValue = new CreateTopicsRequestData.CreatableTopic()
                    .setName("cfg2").setNumPartitions(1).setReplicationFactor((short) 1);
            badValue.configs().add(new CreateTopicsRequestData.CreatableTopicConfig().setName("retention.ms").setValue("soon"));
            topics.add(badValue);
            topics.add(new CreateTopicsRequestData.CreatableTopic().setName("fine").setNumPartitions(-1).setReplicationFactor((short) -1));
            CreateTopicsResponse r = c.roundTrip(new CreateTopicsRequest.Builder(
                    new CreateTopicsRequestData().setTopics(topics).setTimeoutMs(5000)).build((short) 7));
            CreateTopicsResponseData d = r.data();
            assertEquals(Errors.TOPIC_ALREADY_EXISTS.code(), d.topics().find("p").errorCode());
            assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(), d.topics().find("bad name!").errorCode());
            assertEquals(Errors.INVALID_PARTITIONS.code(), d.topics().find("zero").errorCode());
            assertEquals(Errors.INVALID_REPLICATION_FACTOR.code(), d.topics().find("three").errorCode());
            assertEquals(Errors.INVALID_CONFIG.code(), d.topics().find("cfg").errorCode());
            assertEquals(Errors.INVALID_CONFIG.code(), d.topics().find("cfg2").errorCode());
            assertTrue(d.topics().find("cfg2").errorMessage().contains("retention.ms"), d.topics().find("cfg2").errorMessage());
            assertEquals(Errors.NONE.code(), d.topics().find("fine").errorCode());
            assertEquals(1, d.topics().find("fine").numPartitions());
        }
    }

    @Test
    void produceAnswersKafkasErrorCodes() throws Exception {
        try (RawClient c = broker.rawClient()) {
            MemoryRecords small = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("k".getBytes(), "v".getBytes()));
            MemoryRecords big = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(new byte[3000]));
            ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
            ProduceRequestData.TopicProduceData p = new ProduceRequestData.TopicProduceData().setName("p");
            p.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(small));
            p.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(1).setRecords(big));
            p.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(7).setRecords(small));
            topics.add(p);
            ProduceRequestData.TopicProduceData missing = new ProduceRequestData.TopicProduceData().setName("missing");
            missing.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(small));
            topics.add(missing);
            ProduceResponse r = c.roundTrip(ProduceRequest.builder(new ProduceRequestData().setAcks((short) 1)
                    .setTimeoutMs(5000).setTopicData(topics)).build((short) 12));
            var byPartition = r.data().responses().find("p", org.apache.kafka.common.Uuid.ZERO_UUID).partitionResponses();
            assertEquals(Errors.NONE.code(), byPartition.get(0).errorCode());
            assertEquals(Errors.MESSAGE_TOO_LARGE.code(), byPartition.get(1).errorCode());
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), byPartition.get(2).errorCode());
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                    r.data().responses().find("missing", org.apache.kafka.common.Uuid.ZERO_UUID).partitionResponses().get(0).errorCode());

            ProduceResponse badAcks = c.roundTrip(ProduceRequest.builder(new ProduceRequestData().setAcks((short) 2)
                    .setTimeoutMs(5000).setTopicData(singlePartition("p", 0, small))).build((short) 12));
            assertEquals(Errors.INVALID_REQUIRED_ACKS.code(), badAcks.data().responses().iterator().next()
                    .partitionResponses().get(0).errorCode());

            MemoryRecords corrupt = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("x".getBytes()));
            corrupt.buffer().put(corrupt.buffer().limit() - 1, (byte) 42); // flip a payload byte: CRC no longer matches
            ProduceResponse crc = c.roundTrip(ProduceRequest.builder(new ProduceRequestData().setAcks((short) -1)
                    .setTimeoutMs(5000).setTopicData(singlePartition("p", 0, corrupt))).build((short) 12));
            assertEquals(Errors.CORRUPT_MESSAGE.code(), crc.data().responses().iterator().next()
                    .partitionResponses().get(0).errorCode());
        }
    }

    private static ProduceRequestData.TopicProduceDataCollection singlePartition(String topic, int partition, MemoryRecords records) {
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        ProduceRequestData.TopicProduceData t = new ProduceRequestData.TopicProduceData().setName(topic);
        t.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(records));
        topics.add(t);
        return topics;
    }

    @Test
    void garbageOnOneConnectionClosesItWhileAProducerOnAnotherKeepsEveryRecord() throws Exception {
        var producer = broker.producer(Map.of());
        try (RawClient bad = broker.rawClient(); RawClient oversized = broker.rawClient()) {
            var first = producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("p", 0, null, "before".getBytes())).get();
            bad.sendRaw(new byte[] {0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8});
            assertTrue(bad.isClosedByPeer(), "a frame that is not a request closes its connection");
            oversized.sendRaw(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
            assertTrue(oversized.isClosedByPeer(), "a frame over socket.request.max.bytes closes its connection");
            var second = producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("p", 0, null, "after".getBytes())).get();
            assertEquals(first.offset() + 1, second.offset());
        } finally {
            producer.close();
        }
        try (var consumer = broker.consumer(Map.of())) {
            TopicPartition tp = new TopicPartition("p", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<String> values = new java.util.ArrayList<>();
            long deadline = System.currentTimeMillis() + 10_000;
            while (!values.contains("after") && System.currentTimeMillis() < deadline) {
                consumer.poll(java.time.Duration.ofMillis(200)).forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
            }
            assertTrue(values.containsAll(List.of("before", "after")), values.toString());
        }
    }

    @Test
    void anUnknownVersionOfAnotherApiClosesTheConnection() throws Exception {
        try (RawClient c = broker.rawClient()) {
            ByteBuffer frame = ByteBuffer.allocate(4 + 10);
            frame.putInt(10).putShort(ApiKeys.METADATA.id).putShort((short) 99).putInt(1).putShort((short) -1);
            c.sendRaw(frame.array());
            assertTrue(c.isClosedByPeer());
        }
    }

    @Test
    void apiVersionsV3RejectsAnInvalidClientSoftwareName() throws Exception {
        try (RawClient c = broker.rawClient()) {
            ApiVersionsResponse r = c.roundTrip(new ApiVersionsRequest(new ApiVersionsRequestData()
                    .setClientSoftwareName("bad name").setClientSoftwareVersion("1.0"), (short) 3));
            assertEquals(Errors.INVALID_REQUEST.code(), r.data().errorCode());
        }
    }

    @Test
    void listOffsetsAnswersEveryVersionFromOneToTheLatest() throws Exception {
        try (RawClient c = broker.rawClient()) {
            for (short v = ApiKeys.LIST_OFFSETS.oldestVersion(); v <= ApiKeys.LIST_OFFSETS.latestVersion(); v++) {
                var topics = List.of(new org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic()
                        .setName("p").setPartitions(List.of(new org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition()
                                .setPartitionIndex(1).setTimestamp(-1).setCurrentLeaderEpoch(-1))));
                org.apache.kafka.common.requests.ListOffsetsResponse r = c.roundTrip(
                        org.apache.kafka.common.requests.ListOffsetsRequest.Builder.forConsumer(false,
                                org.apache.kafka.common.IsolationLevel.READ_UNCOMMITTED).setTargetTimes(topics).build(v));
                var p = r.data().topics().get(0).partitions().get(0);
                assertEquals(Errors.NONE.code(), p.errorCode(), "v" + v);
                assertEquals(0, p.offset(), "v" + v + ": partition 1 is empty");
                assertEquals(v >= 4 ? 0 : -1, p.leaderEpoch(), "v" + v);
            }
        }
    }

    @Test
    void anAcksZeroProduceThatFailsClosesItsConnectionAndOneThatSucceedsDoesNot() throws Exception {
        MemoryRecords small = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("k".getBytes(), "v".getBytes()));
        try (RawClient c = broker.rawClient()) {
            c.send(ProduceRequest.builder(new ProduceRequestData().setAcks((short) 0).setTimeoutMs(5000)
                    .setTopicData(singlePartition("p", 0, small))).build((short) 12));
            ApiVersionsResponse after = c.roundTrip(new ApiVersionsRequest.Builder().build((short) 3));
            assertEquals(Errors.NONE.code(), after.data().errorCode(), "the connection stays open after a good acks=0 produce");
            c.send(ProduceRequest.builder(new ProduceRequestData().setAcks((short) 0).setTimeoutMs(5000)
                    .setTopicData(singlePartition("missing", 0, small))).build((short) 12));
            assertTrue(c.isClosedByPeer(), "a failed acks=0 produce closes the connection");
        }
    }
}
