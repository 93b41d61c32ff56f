package dev.nagare.broker.network;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.MemoryRecords;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import dev.nagare.storage.LogSlice;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * Encoding one Fetch response (latest version) with {@link ResponseWriter#write}, as a connection does: sizes, one
 * pooled direct buffer for the header and fields, and for each partition's records either a file region over the
 * segment ({@code records=file}, what a fetch of data on disk sends: no copy) or the bytes copied in
 * ({@code records=memory}, for comparison). {@code partitions} partitions of one topic, 1 MiB of records each
 * (the default {@code max.partition.fetch.bytes}). Written into an {@link EmbeddedChannel}, whose outbound
 * messages are released after each response; nothing reaches a socket.
 *
 * <p>In package {@code dev.nagare.broker.network} (a split package on the classpath, bench module only) because the
 * writer is package-private. Thread: JMH's single benchmark thread, which is the embedded channel's event loop.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FetchResponseEncodeBenchmark {
    private static final int PARTITION_BYTES = 1024 * 1024;

    @Param({"1", "6", "100"})
    public int partitions;

    @Param({"file", "memory"})
    public String records;

    private Path file;
    private FileChannel channel;
    private EmbeddedChannel embedded;
    private ChannelHandlerContext ctx;
    private RequestHeader requestHeader;
    private FetchResponseData response;

    @Setup
    public void prepare() throws IOException {
        file = Files.createTempFile("nagare-jmh-fetch", ".log");
        Files.write(file, new byte[PARTITION_BYTES]);
        channel = FileChannel.open(file, StandardOpenOption.READ);
        embedded = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        ctx = embedded.pipeline().firstContext();
        short version = ApiKeys.FETCH.latestVersion();
        requestHeader = new RequestHeader(ApiKeys.FETCH, version, "bench", 7);
        FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse()
                .setTopic("bench").setTopicId(Uuid.randomUuid());
        for (int p = 0; p < partitions; p++) {
            FetchResponseData.PartitionData pd = new FetchResponseData.PartitionData().setPartitionIndex(p)
                    .setHighWatermark(1_000_000).setLastStableOffset(1_000_000).setLogStartOffset(0);
            if (records.equals("file")) {
                pd.setRecords(new FileSliceRecords(new LogSlice(channel, 0, PARTITION_BYTES)));
            } else {
                pd.setRecords(MemoryRecords.readableRecords(ByteBuffer.allocate(PARTITION_BYTES)));
            }
            topic.partitions().add(pd);
        }
        response = new FetchResponseData().setSessionId(1);
        response.responses().add(topic);
    }

    @TearDown
    public void close() throws IOException {
        embedded.finishAndReleaseAll();
        channel.close();
        Files.deleteIfExists(file);
    }

    @Benchmark
    public void encode(Blackhole bh) {
        ResponseWriter.write(ctx, requestHeader, response);
        embedded.flushOutbound();
        Object m;
        while ((m = embedded.readOutbound()) != null) {
            bh.consume(m);
            ReferenceCountUtil.release(m);
        }
    }
}
