package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData.DescribableLogDirTopic;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.requests.DescribeLogDirsRequest;
import org.apache.kafka.common.requests.DescribeLogDirsResponse;
import org.apache.kafka.common.requests.DescribeProducersRequest;
import org.apache.kafka.common.requests.DescribeProducersResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.testing.KafkaTools;
import dev.nagare.broker.testing.RawClient;
import dev.nagare.broker.testing.SharedBroker;
import dev.nagare.broker.testing.TestBroker;

/**
 * DescribeLogDirs ({@code kafka-log-dirs} and the AdminClient) and DescribeProducers. Five one-record batches of key
 * "k", value "v" take 350 bytes on a Kafka 4.1 node too (checked with {@code /work/shared/tools/peer-kafka}): the
 * batches are stored as the producer sent them.
 */
class LogDirsAndProducersTest {

    @RegisterExtension
    static final SharedBroker shared = new SharedBroker();

    @Test
    void describeLogDirsGivesEachPartitionsSizeNoLagAndTheDisksSpace() throws Exception {
        shared.broker().createTopic("logdirs", 2, Map.of());
        produceFiveBatches("logdirs", 0);
        Path logDir = shared.broker().dataDir().toAbsolutePath();
        try (Admin admin = shared.broker().admin()) {
            Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(1)).allDescriptions().get().get(1);
            assertEquals(List.of(logDir.toString()), List.copyOf(dirs.keySet()));
            LogDirDescription d = dirs.get(logDir.toString());
            assertNull(d.error());
            assertReplica(d.replicaInfos().get(new TopicPartition("logdirs", 0)), 350);
            assertReplica(d.replicaInfos().get(new TopicPartition("logdirs", 1)), 0);
            assertEquals(Files.size(logDir.resolve("logdirs-0").resolve("00000000000000000000.log")), 350);
            FileStore store = Files.getFileStore(logDir);
            assertEquals(OptionalLong.of(store.getTotalSpace()), d.totalBytes());
            assertTrue(d.usableBytes().orElseThrow() > 0 && d.usableBytes().orElseThrow() <= store.getTotalSpace(), d.toString());
        }
    }

    @Test
    void describeLogDirsLeavesOutWhatThisNodeDoesNotHaveAndGivesNoSpaceBeforeV4() throws Exception {
        shared.broker().createTopic("logdirs-some", 1, Map.of());
        DescribeLogDirsRequestData data = new DescribeLogDirsRequestData().setTopics(new DescribeLogDirsRequestData.DescribableLogDirTopicCollection(List.of(
                new DescribableLogDirTopic().setTopic("logdirs-some").setPartitions(List.of(0, 9)),
                new DescribableLogDirTopic().setTopic("logdirs-nope").setPartitions(List.of(0))).iterator()));
        try (RawClient raw = new RawClient("127.0.0.1", shared.broker().port())) {
            for (short v = 1; v <= 4; v++) {
                DescribeLogDirsResponse r = raw.roundTrip(new DescribeLogDirsRequest.Builder(data.duplicate()).build(v));
                DescribeLogDirsResponseData.DescribeLogDirsResult only = r.data().results().get(0);
                assertEquals(1, r.data().results().size());
                assertEquals(List.of("logdirs-some"), only.topics().stream().map(DescribeLogDirsResponseData.DescribeLogDirsTopic::name).toList());
                assertEquals(List.of(0), only.topics().get(0).partitions().stream().map(DescribeLogDirsResponseData.DescribeLogDirsPartition::partitionIndex).toList());
                assertEquals(v >= 4, only.totalBytes() > 0, "v" + v);
                assertEquals(v >= 4, only.usableBytes() > 0, "v" + v);
            }
        }
    }

    @Test
    void kafkaLogDirsToolPrintsTheLogDirectoryAsJson() throws Exception {
        shared.broker().createTopic("cli-logdirs", 1, Map.of());
        produceFiveBatches("cli-logdirs", 0);
        KafkaTools.Result r = KafkaTools.run(shared.broker().bootstrap(), "org.apache.kafka.tools.LogDirsCommand",
                "--describe", "--topic-list", "cli-logdirs,cli-logdirs-nope").assertSuccess();
        assertEquals(List.of("Querying brokers for log directories information",
                "Received log directory information from brokers 1",
                "{\"brokers\":[{\"broker\":1,\"logDirs\":[{\"partitions\":[{\"partition\":\"cli-logdirs-0\",\"size\":350,"
                        + "\"offsetLag\":0,\"isFuture\":false}],\"error\":null,\"logDir\":\""
                        + shared.broker().dataDir().toAbsolutePath() + "\"}]}],\"version\":1}"),
                r.stdout().lines().toList());
    }

    @Test
    void describeProducersShowsEachIdempotentProducersStateAlsoAfterARestart(@TempDir Path own) throws Exception {
        try (TestBroker b = TestBroker.start(own.resolve("data"))) {
            b.createTopic("producers", 3, Map.of());
            try (KafkaProducer<byte[], byte[]> producer = b.producer(Map.of())) {
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>("producers", 0, 1000L + i, bytes("k"), bytes("v"))).get();
                }
                producer.send(new ProducerRecord<>("producers", 1, 5000L, bytes("k"), bytes("v"))).get();
            }
            long producerId = describeAndCheck(b, -1);
            b.restart();
            assertEquals(producerId, describeAndCheck(b, producerId));
        }
    }

    @Test
    void describeProducersAnswersUnknownTopicsAndPartitionsAsKafkaDoes() throws Exception {
        shared.broker().createTopic("producers-known", 1, Map.of());
        DescribeProducersRequestData data = new DescribeProducersRequestData();
        data.topics().add(new DescribeProducersRequestData.TopicRequest().setName("producers-known").setPartitionIndexes(List.of(0, 9)));
        data.topics().add(new DescribeProducersRequestData.TopicRequest().setName("producers-nope").setPartitionIndexes(List.of(0)));
        try (RawClient raw = new RawClient("127.0.0.1", shared.broker().port())) {
            DescribeProducersResponse r = raw.roundTrip(new DescribeProducersRequest.Builder(data).build((short) 0));
            assertEquals("[TopicResponse(name='producers-known', partitions=["
                    + "PartitionResponse(partitionIndex=0, errorCode=0, errorMessage=null, activeProducers=[]), "
                    + "PartitionResponse(partitionIndex=9, errorCode=3, errorMessage=null, activeProducers=[])]), "
                    + "TopicResponse(name='producers-nope', partitions=[PartitionResponse(partitionIndex=0, errorCode=3, "
                    + "errorMessage='This server does not host this topic-partition.', activeProducers=[])])]",
                    r.data().topics().toString());
        }
    }

    /** Checks the producer state of partitions 0-2 written above; returns the producer id (expected unless -1). */
    private static long describeAndCheck(TestBroker b, long expectedId) throws Exception {
        try (Admin admin = b.admin()) {
            var result = admin.describeProducers(List.of(new TopicPartition("producers", 0),
                    new TopicPartition("producers", 1), new TopicPartition("producers", 2)));
            List<ProducerState> p0 = result.partitionResult(new TopicPartition("producers", 0)).get().activeProducers();
            List<ProducerState> p1 = result.partitionResult(new TopicPartition("producers", 1)).get().activeProducers();
            assertEquals(List.of(), result.partitionResult(new TopicPartition("producers", 2)).get().activeProducers());
            assertEquals(1, p0.size());
            assertEquals(1, p1.size());
            long id = p0.get(0).producerId();
            assertTrue(id >= 0);
            if (expectedId >= 0) {
                assertEquals(expectedId, id);
            }
            assertEquals(new ProducerState(id, 0, 4, 1004L, OptionalInt.empty(), OptionalLong.empty()), p0.get(0));
            assertEquals(new ProducerState(id, 0, 0, 5000L, OptionalInt.empty(), OptionalLong.empty()), p1.get(0));
            return id;
        }
    }

    private static void assertReplica(ReplicaInfo info, long size) {
        assertEquals(size, info.size());
        assertEquals(0, info.offsetLag());
        assertEquals(false, info.isFuture());
    }

    /** Five batches of one record each (key "k", value "v", timestamps 1000-1004), as the peer check sent them. */
    private static void produceFiveBatches(String topic, int partition) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = shared.broker().producer(Map.of())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, partition, 1000L + i, bytes("k"), bytes("v"))).get();
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
