package dev.nagare.bench.jmh;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding one Produce request frame as {@code KafkaConnection} does it — {@link RequestHeader#parse} then
 * {@link AbstractRequest#parseRequest} over the frame's buffer (Kafka's generated codec; the record batches are
 * sliced, not copied or decoded) — for a request of the latest version carrying one 16 KiB batch of 100-byte
 * records for each of {@code partitions} partitions of one topic. The frame is a direct buffer, as Netty's pooled
 * allocator hands it over.
 *
 * <p>Thread: JMH's single benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ProduceRequestDecodeBenchmark {
    @Param({"1", "6", "100"})
    public int partitions;

    private ByteBuffer frame;

    @Setup
    public void encode() {
        short version = ApiKeys.PRODUCE.latestVersion();
        SimpleRecord[] rs = new SimpleRecord[136];
        for (int i = 0; i < rs.length; i++) {
            rs[i] = new SimpleRecord(System.currentTimeMillis(), null, new byte[100]);
        }
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(30_000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData()
                .setName("bench").setTopicId(Uuid.randomUuid());
        for (int p = 0; p < partitions; p++) {
            topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(p)
                    .setRecords(MemoryRecords.withRecords(Compression.NONE, rs)));
        }
        data.topicData().add(topic);
        ProduceRequest request = new ProduceRequest.Builder(version, version, data).build(version);
        ByteBuffer heap = request.serializeWithHeader(new RequestHeader(ApiKeys.PRODUCE, version, "bench", 7));
        frame = ByteBuffer.allocateDirect(heap.remaining());
        frame.put(heap).flip();
    }

    @Benchmark
    public AbstractRequest decode() {
        ByteBuffer buffer = frame.duplicate();
        RequestHeader header = RequestHeader.parse(buffer);
        return AbstractRequest.parseRequest(header.apiKey(), header.apiVersion(), new ByteBufferAccessor(buffer)).request;
    }
}
