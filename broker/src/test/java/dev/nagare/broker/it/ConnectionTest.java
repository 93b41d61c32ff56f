package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.testing.RawClient;
import dev.nagare.broker.testing.TestBroker;

/** One connection's bytes: frames however they are split, the frame size limit, the idle timeout. */
class ConnectionTest {

    static final int MAX_REQUEST_BYTES = 4096;
    static final long IDLE_MS = 1500;

    @TempDir
    static Path dir;
    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir, Map.of("socket.request.max.bytes", String.valueOf(MAX_REQUEST_BYTES),
                "connections.max.idle.ms", String.valueOf(IDLE_MS)));
        broker.createTopic("c", 1, Map.of());
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void aRequestWrittenOneByteAtATimeIsAnsweredOnce() throws Exception {
        try (RawClient c = broker.rawClient()) {
            byte[] frame = c.frame(new ApiVersionsRequest.Builder().build((short) 3));
            for (byte b : frame) {
                c.sendRaw(new byte[] {b});
                Thread.sleep(1);
            }
            RawClient.Received r = c.receive(ApiKeys.API_VERSIONS, (short) 3);
            assertEquals(c.lastCorrelationId(), r.correlationId());
            assertEquals(Errors.NONE.code(), ((ApiVersionsResponse) r.response()).data().errorCode());
        }
    }

    @Test
    void threeHundredRequestsInOneWriteAreEachAnsweredInOrder() throws Exception {
        try (RawClient c = broker.rawClient()) {
            ByteBuffer all = ByteBuffer.allocate(300 * 64);
            int first = c.lastCorrelationId() + 1;
            for (int i = 0; i < 300; i++) {
                all.put(c.frame(new ApiVersionsRequest.Builder().build((short) 3)));
            }
            byte[] bytes = new byte[all.position()];
            all.flip().get(bytes);
            c.sendRaw(bytes);
            for (int i = 0; i < 300; i++) {
                assertEquals(first + i, c.receive(ApiKeys.API_VERSIONS, (short) 3).correlationId());
            }
        }
    }

    /** A produce request of one record whose frame (size field excluded) is exactly {@code frameBytes} long. */
    static ProduceRequest produceOfFrameSize(RawClient c, int frameBytes) {
        int value = frameBytes / 2;
        while (true) {
            ProduceRequest request = produce(value);
            int size = c.frame(request).length - 4;
            if (size == frameBytes) {
                return request;
            }
            value += frameBytes - size;
        }
    }

    static ProduceRequest produce(int valueBytes) {
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        ProduceRequestData.TopicProduceData t = new ProduceRequestData.TopicProduceData().setName("c");
        t.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
                .setRecords(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(new byte[valueBytes]))));
        topics.add(t);
        return ProduceRequest.builder(new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5000).setTopicData(topics))
                .build((short) 9);
    }

    @Test
    void aFrameOfSocketRequestMaxBytesIsServedAndOneByteMoreClosesTheConnection() throws Exception {
        try (RawClient c = broker.rawClient()) {
            ProduceResponse r = c.roundTrip(produceOfFrameSize(c, MAX_REQUEST_BYTES));
            assertEquals(Errors.NONE.code(), r.data().responses().find("c", org.apache.kafka.common.Uuid.ZERO_UUID)
                    .partitionResponses().get(0).errorCode());
            c.sendRaw(c.frame(produceOfFrameSize(c, MAX_REQUEST_BYTES + 1)));
            assertTrue(c.isClosedByPeer(), "a frame over socket.request.max.bytes closes its connection");
        }
    }

    @Test
    void aConnectionIdleForConnectionsMaxIdleMsIsClosedWhileOneInUseStaysOpen() throws Exception {
        try (RawClient idle = broker.rawClient(); RawClient busy = broker.rawClient()) {
            long opened = System.nanoTime();
            long[] closedAfterMs = {-1};
            Thread watcher = new Thread(() -> {
                try {
                    if (idle.isClosedByPeer()) {
                        closedAfterMs[0] = (System.nanoTime() - opened) / 1_000_000;
                    }
                } catch (Exception e) {
                    closedAfterMs[0] = (System.nanoTime() - opened) / 1_000_000;
                }
            });
            watcher.start();
            for (int i = 0; i < 10; i++) { // 2.5 s: past the idle timeout, never idle for it
                busy.roundTrip(new ApiVersionsRequest.Builder().build((short) 3));
                Thread.sleep(250);
            }
            watcher.join(10_000);
            assertFalse(watcher.isAlive());
            assertTrue(closedAfterMs[0] >= IDLE_MS && closedAfterMs[0] < IDLE_MS + 1000,
                    "idle connection closed after " + closedAfterMs[0] + " ms");
            ApiVersionsResponse still = busy.roundTrip(new ApiVersionsRequest.Builder().build((short) 3));
            assertEquals(Errors.NONE.code(), still.data().errorCode());
        }
    }
}
