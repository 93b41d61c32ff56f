package dev.nagare.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.Records;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * A consumer for {@link LatencyLoad} that sends Fetch requests on one connection itself, in an incremental fetch
 * session (KIP-227), without the Java client's fetcher: the first request names every partition it reads, each
 * later one only the partitions whose position moved since (none, once it has caught up), and the broker answers
 * with the partitions that have news.
 *
 * <p>Why it exists: {@code KafkaConsumer} walks every assigned partition at every poll ({@code
 * AbstractFetch.prepareFetchRequests}, {@code FetchSessionHandler.Builder}); with 10,000 partitions split over 5
 * consumers that took 1.55 of this machine's 2 cores (async-profiler on LatencyLoad, 2026-12-03: 58 % of its CPU),
 * so the latency measured was the load generator's. This consumer's cost grows with the records and partitions
 * that have news, not with the partitions assigned: what it measures is the broker's fetch path.
 *
 * <p>What it does: one broker only (it must lead every partition), Fetch v12 (the newest version that names
 * topics), {@code fetch.max.wait.ms} 500, {@code fetch.min.bytes} 1, {@code fetch.max.bytes} 50 MiB and
 * {@code max.partition.fetch.bytes} 1 MiB as the Java client's defaults, read uncommitted. A session the broker has
 * forgotten (FETCH_SESSION_ID_NOT_FOUND, INVALID_FETCH_SESSION_EPOCH) is replaced by a new full fetch, as the Java
 * client does; a partition error is reported and the partition fetched again from the same position.
 *
 * <p>Threads: {@link #run} on one thread; the listener is called on it.
 */
final class RawConsumer implements AutoCloseable {
    private static final short VERSION = 12;
    private static final int MAX_WAIT_MS = 500;
    private static final int MAX_BYTES = 50 * 1024 * 1024;
    private static final int PARTITION_MAX_BYTES = 1024 * 1024;

    interface Listener {
        /** A record whose value starts with the {@link System#nanoTime()} it was sent at, read at {@code nowNanos}. */
        void received(long sentAtNanos, long nowNanos);

        void failed(String why);
    }

    private final SocketChannel channel;
    private final String topic;
    private final String clientId;
    private final Listener listener;
    /** partition → next offset to fetch */
    private final Map<Integer, Long> positions;
    /** partitions whose position the session does not know yet */
    private final Set<Integer> moved = new HashSet<>();
    private int sessionId;
    private int epoch;
    private int correlationId;

    RawConsumer(InetSocketAddress broker, String topic, String clientId, Map<Integer, Long> start, Listener listener)
            throws IOException {
        this.channel = SocketChannel.open(broker);
        channel.socket().setTcpNoDelay(true);
        this.topic = topic;
        this.clientId = clientId;
        this.listener = listener;
        this.positions = new TreeMap<>(start);
    }

    /** Fetches until {@code stop} says so (checked after each response, so within {@value #MAX_WAIT_MS} ms). */
    void run(BooleanSupplier stop) throws IOException {
        while (!stop.getAsBoolean()) {
            int id = correlationId++;
            Frames.write(channel, new FetchRequest(request(), VERSION)
                    .serializeWithHeader(new RequestHeader(ApiKeys.FETCH, VERSION, clientId, id)));
            ByteBuffer body = Frames.read(channel);
            long now = System.nanoTime();
            ResponseHeader header = ResponseHeader.parse(body, ApiKeys.FETCH.responseHeaderVersion(VERSION));
            if (header.correlationId() != id) {
                throw new IOException("response with correlation id " + header.correlationId() + ", expected " + id);
            }
            FetchResponse response = (FetchResponse) AbstractResponse.parseResponse(ApiKeys.FETCH,
                    new ByteBufferAccessor(body), VERSION);
            take(response.data(), now);
        }
    }

    private FetchRequestData request() {
        boolean full = sessionId == 0 || epoch == 0;
        FetchRequestData.FetchTopic fetchTopic = new FetchRequestData.FetchTopic().setTopic(topic);
        for (Map.Entry<Integer, Long> e : positions.entrySet()) {
            if (full || moved.contains(e.getKey())) {
                fetchTopic.partitions().add(new FetchRequestData.FetchPartition()
                        .setPartition(e.getKey())
                        .setFetchOffset(e.getValue())
                        .setLogStartOffset(-1)
                        .setPartitionMaxBytes(PARTITION_MAX_BYTES));
            }
        }
        moved.clear();
        FetchRequestData data = new FetchRequestData()
                .setReplicaId(-1)
                .setMaxWaitMs(MAX_WAIT_MS)
                .setMinBytes(1)
                .setMaxBytes(MAX_BYTES)
                .setIsolationLevel((byte) 0)
                .setSessionId(full ? 0 : sessionId)
                .setSessionEpoch(full ? 0 : epoch)
                .setRackId("");
        if (!fetchTopic.partitions().isEmpty()) {
            data.topics().add(fetchTopic);
        }
        return data;
    }

    private void take(FetchResponseData data, long now) {
        Errors top = Errors.forCode(data.errorCode());
        if (top == Errors.FETCH_SESSION_ID_NOT_FOUND || top == Errors.INVALID_FETCH_SESSION_EPOCH) {
            sessionId = 0; // the next request is a full fetch that opens a new session
            epoch = 0;
            return;
        }
        if (top != Errors.NONE) {
            listener.failed("fetch: " + top);
            return;
        }
        sessionId = data.sessionId();
        epoch = sessionId == 0 ? 0 : epoch == Integer.MAX_VALUE ? 1 : epoch + 1; // wraps to 1, as the protocol says
        for (FetchResponseData.FetchableTopicResponse t : data.responses()) {
            for (FetchResponseData.PartitionData p : t.partitions()) {
                if (p.errorCode() != 0) {
                    listener.failed("partition " + p.partitionIndex() + ": " + Errors.forCode(p.errorCode()));
                    continue;
                }
                Records records = (Records) p.records();
                if (records == null) {
                    continue;
                }
                long position = positions.getOrDefault(p.partitionIndex(), Long.MAX_VALUE);
                long next = -1;
                for (RecordBatch batch : records.batches()) {
                    for (Record r : batch) {
                        if (r.offset() >= position) {
                            listener.received(r.value().getLong(0), now);
                        }
                    }
                    next = batch.nextOffset();
                }
                if (next > position) {
                    positions.put(p.partitionIndex(), next);
                    moved.add(p.partitionIndex());
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
