package dev.nagare.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * A producer for {@link LatencyLoad} that sends Produce requests on one connection itself, without the Java
 * client's record accumulator: the caller hands it the records of one request, it groups them into one batch per
 * partition, writes the request and returns; a reader thread takes the responses (in request order, as a broker
 * answers on one connection) and reports each record's acknowledgement.
 *
 * <p>Why it exists: {@code KafkaProducer}'s sender thread walks every partition it has ever written to each time it
 * wakes ({@code RecordAccumulator.ready}, {@code drain}, {@code expiredBatches}, {@code
 * ProducerBatch.maybeUpdateLeaderEpoch}). With 10,000 partitions spread over 10 producers at 1,000 records/s each,
 * those walks took 1.9 of this machine's 2 cores (async-profiler on LatencyLoad, 2026-12-03: 66 % of its CPU in
 * {@code Sender.sendProducerData}), so the latency measured was the load generator's queueing, for either broker.
 * This producer's cost grows with the records sent, not with the partitions written.
 *
 * <p>What it does not do: one broker only (every partition's leader must be the one it connects to: the bench runs
 * single brokers), no retries, no idempotence, acks 1 or -1 only (acks=0 has no response to time). At most
 * {@code maxInFlight} requests are outstanding, as {@code max.in.flight.requests.per.connection}; {@link #send}
 * blocks while that many are.
 *
 * <p>Threads: {@link #send} and {@link #close} from one thread; the listener is called on the reader thread.
 */
final class RawProducer implements AutoCloseable {
    /** The newest Produce version that still names topics (13 identifies them by id); Kafka 4.1 and Nagare take it. */
    private static final short VERSION = 12;

    interface Listener {
        void acked(long sentAtNanos);

        void failed(String why);
    }

    private record InFlight(int correlationId, int[] partitions, long[] sentAt) {
    }

    private final SocketChannel channel;
    private final String topic;
    private final String clientId;
    private final short acks;
    private final int maxInFlight;
    private final Semaphore slots;
    private final ConcurrentLinkedQueue<InFlight> pending = new ConcurrentLinkedQueue<>();
    private final Listener listener;
    private final Thread reader;
    private volatile boolean closing;
    private int correlationId;

    RawProducer(InetSocketAddress broker, String topic, String clientId, short acks, int maxInFlight,
                Listener listener) throws IOException {
        if (acks != 1 && acks != -1) {
            throw new IllegalArgumentException("acks must be 1 or -1 (all), not " + acks);
        }
        this.channel = SocketChannel.open(broker);
        channel.socket().setTcpNoDelay(true);
        this.topic = topic;
        this.clientId = clientId;
        this.acks = acks;
        this.maxInFlight = maxInFlight;
        this.slots = new Semaphore(maxInFlight);
        this.listener = listener;
        this.reader = new Thread(this::readResponses, clientId + "-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Sends records {@code 0..n-1}: record i goes to {@code partitions[i]}, its value is {@code size} bytes starting
     * with {@code sentAt[i]} (the {@link System#nanoTime()} its latency is counted from). Blocks while
     * {@code maxInFlight} requests are unanswered.
     */
    void send(int[] partitions, long[] sentAt, int n, int size) throws IOException, InterruptedException {
        Map<Integer, List<SimpleRecord>> batches = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        for (int i = 0; i < n; i++) {
            byte[] value = new byte[size];
            ByteBuffer.wrap(value).putLong(0, sentAt[i]);
            batches.computeIfAbsent(partitions[i], p -> new ArrayList<>()).add(new SimpleRecord(now, null, value));
        }
        ProduceRequestData.TopicProduceData data = new ProduceRequestData.TopicProduceData().setName(topic);
        batches.forEach((p, records) -> data.partitionData().add(new ProduceRequestData.PartitionProduceData()
                .setIndex(p).setRecords(MemoryRecords.withRecords(Compression.NONE, records.toArray(new SimpleRecord[0])))));
        ProduceRequestData request = new ProduceRequestData().setAcks(acks).setTimeoutMs(30_000);
        request.topicData().add(data);
        int id = correlationId++;
        ByteBuffer body = new ProduceRequest.Builder(VERSION, VERSION, request).build(VERSION)
                .serializeWithHeader(new RequestHeader(ApiKeys.PRODUCE, VERSION, clientId, id));
        slots.acquire();
        pending.add(new InFlight(id, Arrays.copyOf(partitions, n), Arrays.copyOf(sentAt, n)));
        Frames.write(channel, body);
    }

    private void readResponses() {
        try {
            while (true) {
                ByteBuffer body = Frames.read(channel);
                ResponseHeader header = ResponseHeader.parse(body, ApiKeys.PRODUCE.responseHeaderVersion(VERSION));
                InFlight request = pending.poll();
                if (request == null || request.correlationId() != header.correlationId()) {
                    throw new IOException("response with correlation id " + header.correlationId() + ", expected "
                            + (request == null ? "none" : request.correlationId()));
                }
                ProduceResponse response = (ProduceResponse) AbstractResponse.parseResponse(ApiKeys.PRODUCE,
                        new ByteBufferAccessor(body), VERSION);
                Set<Integer> failed = new HashSet<>();
                String why = null;
                for (ProduceResponseData.TopicProduceResponse t : response.data().responses()) {
                    for (ProduceResponseData.PartitionProduceResponse p : t.partitionResponses()) {
                        if (p.errorCode() != 0) {
                            failed.add(p.index());
                            why = "partition " + p.index() + ": error code " + p.errorCode();
                        }
                    }
                }
                for (int i = 0; i < request.partitions().length; i++) {
                    if (failed.contains(request.partitions()[i])) {
                        listener.failed(why);
                    } else {
                        listener.acked(request.sentAt()[i]);
                    }
                }
                slots.release();
            }
        } catch (IOException e) {
            if (!closing) {
                for (InFlight request; (request = pending.poll()) != null; ) {
                    for (int i = 0; i < request.partitions().length; i++) {
                        listener.failed(e.toString());
                    }
                }
                slots.release(maxInFlight);
            }
        }
    }

    /** Waits up to 30 s for every request sent to be answered. Returns false if some were not. */
    boolean flush() throws InterruptedException {
        if (!slots.tryAcquire(maxInFlight, 30, TimeUnit.SECONDS)) {
            return false;
        }
        slots.release(maxInFlight);
        return true;
    }

    @Override
    public void close() throws IOException {
        closing = true;
        channel.close();
    }
}
