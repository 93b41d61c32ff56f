package dev.nagare.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Load with latency for bench/compare.sh: {@code producers} producers (each its own {@link KafkaProducer}, so its
 * own connection) send records at a fixed total rate (or as fast as they can) for a fixed time, while one group-less
 * consumer in the same JVM, assigned every partition and positioned at the end beforehand, reads them back. Each
 * record's value starts with the {@link System#nanoTime()} of its {@code send()}, so the end-to-end latency (send →
 * the consumer's poll returns it) is measured on one clock, in microseconds.
 *
 * <pre>java -cp ... dev.nagare.bench.LatencyLoad BOOTSTRAP TOPIC RATE SECONDS [key=value ...]</pre>
 *
 * <ul>
 *   <li>{@code RATE}: records/s over all producers; 0 = unthrottled (each producer sends as fast as its buffer
 *       takes records: a throughput test).</li>
 *   <li>{@code size=100} record value bytes; {@code acks=1}; {@code producers=1};
 *       {@code warmup=2} seconds of records left out of the latency figures;
 *       {@code spread=0}: 1 sends record k to partition k mod partitions (every partition busy), 0 leaves it to the
 *       client's default partitioner;</li>
 *   <li>{@code idleConnections=0}: before producing, opens that many plain TCP connections, each does one
 *       ApiVersions exchange and then stays idle until the end (the broker must keep them open);</li>
 *   <li>{@code idle=0}: after the load, keeps the consumer polling (nothing produced) for that many seconds and
 *       reports the CPU seconds the broker process ({@code brokerPid}, from {@code /proc/PID/stat}, {@code clkTck}
 *       ticks per second, default 100) used meanwhile;</li>
 *   <li>{@code consume=1}: 0 runs no consumer (a pure throughput test: no latency figures);</li>
 *   <li>{@code expect=0}: first waits (up to 60 s) until the broker describes the topic with at least that many
 *       partitions: Kafka's controller applies a partition increase to its metadata a moment after it answers;</li>
 *   <li>{@code consumers=1}: that many consumers, each in its own thread, consumer i assigned partitions i,
 *       i + consumers, …; KafkaConsumer walks all its partitions at every poll, so one consumer of 10,000
 *       partitions spends most of a core on that;</li>
 *   <li>{@code client=java}: {@code raw} sends with {@link RawProducer} instead of {@link KafkaProducer} (one
 *       connection each, records spread as with {@code spread=1}, a fixed {@code RATE} only, one broker only):
 *       every {@code linger=5} ms each producer sends the records that fell due meanwhile in one request, about
 *       what the Java client's default {@code linger.ms} of 5 does, counted from when each record fell due; up to
 *       5 requests in flight. For many partitions, where KafkaProducer's own per-partition work is the
 *       bottleneck (see RawProducer);</li>
 *   <li>{@code consumer=java}: {@code raw} reads with {@link RawConsumer}s instead of KafkaConsumers ({@code
 *       consumers} of them, partitions split the same way, each starting at the partitions' ends): Fetch requests
 *       in an incremental session that name only the partitions whose position moved, so the consumer's cost does
 *       not grow with the partitions assigned; adds {@code fetch_errors} to the output;</li>
 *   <li>{@code p.KEY=VALUE}, {@code c.KEY=VALUE}: extra producer / consumer properties.</li>
 * </ul>
 *
 * <p>Prints {@code key value} lines: {@code partitions sent acked send_errors received missing seconds acked_rec_s
 * acked_mb_s client_cpu_s client_cores} (this JVM's CPU seconds over the load, and that over the load's seconds) {@code
 * lat_avg_ms lat_p50_ms lat_p99_ms lat_p999_ms lat_max_ms} (send → polled by the consumer), the same {@code ack_*}
 * (send → the producer's callback: what the produce path alone adds), and with the options above
 * {@code idle_conns_open idle_conns_failed idle_cpu_s}. Exits 1 when a send failed, a record was not received
 * within 30 s of the end, or an idle connection was refused or closed.
 */
public final class LatencyLoad {
    private static final int MAX_SAMPLES = 50_000_000;

    private LatencyLoad() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: LatencyLoad BOOTSTRAP TOPIC RATE SECONDS [key=value...]");
            System.exit(2);
        }
        String bootstrap = args[0];
        String topic = args[1];
        long rate = Long.parseLong(args[2]);
        double seconds = Double.parseDouble(args[3]);
        Map<String, String> o = new HashMap<>();
        Properties extraP = new Properties();
        Properties extraC = new Properties();
        for (int i = 4; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            String k = args[i].substring(0, eq);
            String v = args[i].substring(eq + 1);
            if (k.startsWith("p.")) {
                extraP.put(k.substring(2), v);
            } else if (k.startsWith("c.")) {
                extraC.put(k.substring(2), v);
            } else {
                o.put(k, v);
            }
        }
        int size = Math.max(8, Integer.parseInt(o.getOrDefault("size", "100")));
        String acks = o.getOrDefault("acks", "1");
        int producers = Integer.parseInt(o.getOrDefault("producers", "1"));
        double warmup = Double.parseDouble(o.getOrDefault("warmup", "2"));
        boolean spread = o.getOrDefault("spread", "0").equals("1");
        int idleConnections = Integer.parseInt(o.getOrDefault("idleConnections", "0"));
        double idle = Double.parseDouble(o.getOrDefault("idle", "0"));
        long brokerPid = Long.parseLong(o.getOrDefault("brokerPid", "0"));
        int clkTck = Integer.parseInt(o.getOrDefault("clkTck", "100"));
        boolean consume = !o.getOrDefault("consume", "1").equals("0");
        boolean raw = o.getOrDefault("client", "java").equals("raw");
        int consumerCount = Integer.parseInt(o.getOrDefault("consumers", "1"));
        boolean rawConsumer = o.getOrDefault("consumer", "java").equals("raw");
        int expect = Integer.parseInt(o.getOrDefault("expect", "0"));
        long lingerNs = (long) (Double.parseDouble(o.getOrDefault("linger", "5")) * 1e6);
        if (raw && rate <= 0) {
            System.err.println("client=raw needs a RATE above 0");
            System.exit(2);
        }
        boolean failed = false;

        String[] hp = bootstrap.split(",")[0].split(":");
        InetSocketAddress addr = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
        List<SocketChannel> idleConns = new ArrayList<>();
        int idleFailed = 0;
        if (idleConnections > 0) {
            for (int i = 0; i < idleConnections; i++) {
                try {
                    idleConns.add(apiVersionsExchange(addr, i));
                } catch (IOException e) {
                    idleFailed++;
                    if (idleFailed == 1) {
                        System.err.println("idle connection " + i + " failed: " + e);
                    }
                }
            }
        }

        if (expect > 0) {
            awaitPartitions(bootstrap, topic, expect);
        }

        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cp.putAll(extraC);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp);
        List<TopicPartition> tps = new ArrayList<>();
        for (PartitionInfo pi : consumer.partitionsFor(topic, Duration.ofSeconds(60))) {
            tps.add(new TopicPartition(pi.topic(), pi.partition()));
        }
        int partitions = tps.size();
        if (partitions == 0) {
            System.err.println("topic " + topic + " has no partitions (does it exist?)");
            System.exit(2);
        }
        List<KafkaConsumer<byte[], byte[]>> consumers = new ArrayList<>();
        List<Map<Integer, Long>> rawStarts = new ArrayList<>(); // per RawConsumer: partition → its end now
        if (consume && rawConsumer) {
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps, Duration.ofSeconds(60));
            for (int i = 0; i < consumerCount; i++) {
                Map<Integer, Long> mine = new HashMap<>();
                for (int k = i; k < tps.size(); k += consumerCount) {
                    mine.put(tps.get(k).partition(), ends.get(tps.get(k)));
                }
                rawStarts.add(mine);
            }
            consumer.close();
        } else if (consume) {
            for (int i = 0; i < consumerCount; i++) {
                KafkaConsumer<byte[], byte[]> c = i == 0 ? consumer : new KafkaConsumer<>(cp);
                List<TopicPartition> mine = new ArrayList<>();
                for (int k = i; k < tps.size(); k += consumerCount) {
                    mine.add(tps.get(k));
                }
                c.assign(mine);
                c.seekToEnd(mine);
                for (TopicPartition tp : mine) {
                    c.position(tp, Duration.ofSeconds(60)); // resolve the end now, before anything is sent
                }
                consumers.add(c);
            }
        } else {
            consumer.close();
        }

        AtomicLong sent = new AtomicLong();
        AtomicLong acked = new AtomicLong();
        AtomicLong sendErrors = new AtomicLong();
        long start = System.nanoTime();
        long selfPid = ProcessHandle.current().pid();
        long clientTicks0 = cpuTicks(selfPid);
        long durationNs = (long) (seconds * 1e9);
        long warmupEnd = start + (long) (warmup * 1e9);
        int capacity = (int) Math.min(MAX_SAMPLES, rate > 0 ? rate * (long) Math.ceil(seconds) + 1000 : MAX_SAMPLES / 10);
        Samples endToEnd = new Samples(capacity);
        Samples ackLatency = new Samples(capacity);
        List<Thread> senders = new ArrayList<>();
        List<KafkaProducer<byte[], byte[]>> clients = new ArrayList<>();
        List<RawProducer> raws = new ArrayList<>();
        for (int i = 0; i < producers && raw; i++) {
            RawProducer producer = new RawProducer(addr, topic, "latency-load-" + i, acks.equals("all") ? -1
                    : Short.parseShort(acks), 5, new RawProducer.Listener() {
                @Override
                public void acked(long sentAt) {
                    acked.incrementAndGet();
                    if (sentAt >= warmupEnd) {
                        ackLatency.add(System.nanoTime() - sentAt);
                    }
                }

                @Override
                public void failed(String why) {
                    if (sendErrors.incrementAndGet() <= 3) {
                        System.err.println("send failed: " + why);
                    }
                }
            });
            raws.add(producer);
            int index = i;
            double perProducer = rate / (double) producers;
            senders.add(new Thread(() -> produceRaw(producer, index, producers, partitions, size, perProducer,
                    lingerNs, start, durationNs, sent, sendErrors), "producer-" + i));
        }
        for (int i = 0; i < producers && !raw; i++) {
            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            pp.put(ProducerConfig.ACKS_CONFIG, acks);
            pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            pp.put(ProducerConfig.CLIENT_ID_CONFIG, "latency-load-" + i);
            pp.putAll(extraP);
            KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp);
            clients.add(producer);
            int index = i;
            double perProducer = rate / (double) producers;
            Thread t = new Thread(() -> produce(producer, topic, index, producers, partitions, spread, size,
                    perProducer, start, durationNs, warmupEnd, sent, acked, sendErrors, ackLatency), "producer-" + i);
            senders.add(t);
        }
        senders.forEach(Thread::start);

        AtomicLong receivedCount = new AtomicLong();
        AtomicLong lastDataAt = new AtomicLong(System.nanoTime());
        AtomicBoolean stopReading = new AtomicBoolean();
        AtomicLong fetchErrors = new AtomicLong();
        // what every consumer, Java or raw, does with a record read and with a failed fetch
        RawConsumer.Listener arrivals = new RawConsumer.Listener() {
            @Override
            public void received(long sentAt, long now) {
                receivedCount.incrementAndGet();
                if (sentAt >= warmupEnd) {
                    endToEnd.add(now - sentAt);
                }
                lastDataAt.set(now);
            }

            @Override
            public void failed(String why) {
                if (fetchErrors.incrementAndGet() <= 3) {
                    System.err.println("fetch failed: " + why);
                }
            }
        };
        List<Thread> readers = new ArrayList<>();
        for (KafkaConsumer<byte[], byte[]> c : consumers) {
            readers.add(new Thread(() -> read(c, stopReading, arrivals), "consumer-" + readers.size()));
        }
        for (Map<Integer, Long> mine : rawStarts) {
            RawConsumer c = new RawConsumer(addr, topic, "latency-load-consumer-" + readers.size(), mine, arrivals);
            readers.add(new Thread(() -> {
                try (c) {
                    c.run(stopReading::get);
                } catch (IOException e) {
                    fetchErrors.incrementAndGet();
                    System.err.println("raw consumer failed: " + e);
                }
            }, "consumer-" + readers.size()));
        }
        readers.forEach(Thread::start);
        long end = start + durationNs;
        boolean producing = true;
        long flushedAt = 0;
        while (!consume) {
            for (Thread t : senders) {
                t.join();
            }
            flush(clients, raws);
            flushedAt = System.nanoTime();
            break;
        }
        while (consume) {
            Thread.sleep(10);
            if (producing && senders.stream().noneMatch(Thread::isAlive)) {
                producing = false;
                flush(clients, raws);
                flushedAt = System.nanoTime();
            }
            if (!producing && receivedCount.get() >= acked.get()) {
                break;
            }
            if (!producing && System.nanoTime() - Math.max(lastDataAt.get(), end) > 30_000_000_000L) {
                break;
            }
        }
        long received = receivedCount.get();
        double produceSeconds = (flushedAt - start) / 1e9; // until every record sent was acknowledged
        // this JVM's CPU over the load (producers, consumer, their JIT): on 2 shared cores it says how much was left
        // for the broker, and whether the latency figures measure the broker or the load generator
        double clientCpuSeconds = (cpuTicks(selfPid) - clientTicks0) / (double) clkTck;
        clients.forEach(KafkaProducer::close);
        for (RawProducer r : raws) {
            r.close();
        }

        Map<String, String> out = new LinkedHashMap<>();
        out.put("partitions", Integer.toString(partitions));
        out.put("sent", Long.toString(sent.get()));
        out.put("acked", Long.toString(acked.get()));
        out.put("send_errors", Long.toString(sendErrors.get()));
        if (consume) {
            out.put("received", Long.toString(received));
            out.put("missing", Long.toString(Math.max(0, acked.get() - received)));
        }
        out.put("seconds", String.format("%.2f", produceSeconds));
        out.put("acked_rec_s", String.format("%.0f", acked.get() / produceSeconds));
        out.put("acked_mb_s", String.format("%.2f", acked.get() * (double) size / 1e6 / produceSeconds));
        out.put("client_cpu_s", String.format("%.2f", clientCpuSeconds));
        out.put("client_cores", String.format("%.2f", clientCpuSeconds / produceSeconds));
        endToEnd.report("lat", out);
        ackLatency.report("ack", out);
        if (rawConsumer) {
            out.put("fetch_errors", Long.toString(fetchErrors.get()));
        }
        failed |= sendErrors.get() > 0 || fetchErrors.get() > 0 || consume && acked.get() > received;

        if (idle > 0 && consume) {
            long c0 = brokerPid > 0 ? cpuTicks(brokerPid) : 0;
            long idleEnd = System.nanoTime() + (long) (idle * 1e9);
            while (System.nanoTime() < idleEnd) {
                Thread.sleep(100); // the consumers go on polling
            }
            long stray = receivedCount.get() - received;
            long c1 = brokerPid > 0 ? cpuTicks(brokerPid) : 0;
            if (brokerPid > 0) {
                out.put("idle_cpu_s", String.format("%.2f", (c1 - c0) / (double) clkTck));
            }
            if (stray > 0) {
                System.err.println(stray + " records arrived while idle");
            }
        }
        stopReading.set(true);
        for (Thread t : readers) {
            t.join();
        }
        if (idleConnections > 0) {
            int open = 0;
            for (SocketChannel ch : idleConns) {
                if (stillOpen(ch)) {
                    open++;
                }
                ch.close();
            }
            out.put("idle_conns_open", Integer.toString(open));
            out.put("idle_conns_failed", Integer.toString(idleConnections - open));
            failed |= open < idleConnections;
        }
        out.forEach((k, v) -> System.out.println(k + " " + v));
        System.exit(failed ? 1 : 0);
    }

    private static void produce(KafkaProducer<byte[], byte[]> producer, String topic, int index, int producers,
                                int partitions, boolean spread, int size, double rate, long start, long durationNs,
                                long warmupEnd, AtomicLong sent, AtomicLong acked, AtomicLong errors, Samples acks) {
        long n = 0;
        long next = index;
        while (true) {
            long now = System.nanoTime();
            if (now - start >= durationNs) {
                return;
            }
            long due = rate > 0 ? (long) ((now - start) / 1e9 * rate) + 1 - n : 1;
            if (due <= 0) {
                // sleep until the next record is due: polling every 50 us made 10 producers at 1,000 records/s
                // each wake 200,000 times a second, a core's worth of CPU taken from the consumer and the broker
                LockSupport.parkNanos(start + (long) (n / rate * 1e9) - now);
                continue;
            }
            for (long k = 0; k < due; k++) {
                byte[] value = new byte[size];
                long sentAt = System.nanoTime();
                ByteBuffer.wrap(value).putLong(0, sentAt);
                Integer partition = spread ? (int) (next % partitions) : null;
                next += producers;
                producer.send(new ProducerRecord<>(topic, partition, null, value), (md, e) -> {
                    if (e == null) {
                        acked.incrementAndGet();
                        if (sentAt >= warmupEnd) {
                            acks.add(System.nanoTime() - sentAt);
                        }
                    } else if (errors.incrementAndGet() <= 3) {
                        System.err.println("send failed: " + e);
                    }
                });
                sent.incrementAndGet();
                n++;
            }
        }
    }

    /**
     * {@link #produce} for a {@link RawProducer}: the records that fell due since the last request go out together,
     * each stamped with the time it fell due; then the producer waits {@code lingerNs} (or until the next record is
     * due, if later).
     */
    private static void produceRaw(RawProducer producer, int index, int producers, int partitions, int size,
                                   double rate, long lingerNs, long start, long durationNs, AtomicLong sent,
                                   AtomicLong errors) {
        long n = 0;
        long next = index;
        int[] parts = new int[256];
        long[] dueAt = new long[256];
        try {
            while (true) {
                long now = System.nanoTime();
                if (now - start >= durationNs) {
                    return;
                }
                int due = (int) Math.min(Integer.MAX_VALUE, (long) ((now - start) / 1e9 * rate) + 1 - n);
                if (due <= 0) {
                    LockSupport.parkNanos(start + (long) (n / rate * 1e9) - now);
                    continue;
                }
                if (due > parts.length) {
                    parts = new int[due];
                    dueAt = new long[due];
                }
                for (int k = 0; k < due; k++) {
                    parts[k] = (int) (next % partitions);
                    next += producers;
                    dueAt[k] = start + (long) ((n + k) / rate * 1e9);
                }
                producer.send(parts, dueAt, due, size);
                sent.addAndGet(due);
                n += due;
                LockSupport.parkNanos(lingerNs);
            }
        } catch (IOException | InterruptedException e) {
            errors.incrementAndGet();
            System.err.println("producer " + index + " stopped: " + e);
        }
    }

    /** Waits until the topic is described with at least {@code expect} partitions, or 60 s have passed. */
    private static void awaitPartitions(String bootstrap, String topic, int expect) throws Exception {
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(ap)) {
            long deadline = System.nanoTime() + 60_000_000_000L;
            int seen = -1;
            while (System.nanoTime() < deadline) {
                seen = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
                if (seen >= expect) {
                    return;
                }
                Thread.sleep(200);
            }
            System.err.println("topic " + topic + " has " + seen + " partitions after 60 s, expected " + expect);
        }
    }

    /** One consumer's loop: polls until told to stop, counts and times every record, then closes the consumer. */
    private static void read(KafkaConsumer<byte[], byte[]> consumer, AtomicBoolean stop,
                             RawConsumer.Listener arrivals) {
        try (consumer) {
            while (!stop.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    arrivals.received(ByteBuffer.wrap(r.value()).getLong(0), System.nanoTime());
                }
            }
        }
    }

    /** Waits for every record sent to be acknowledged (or failed). */
    private static void flush(List<KafkaProducer<byte[], byte[]>> clients, List<RawProducer> raws)
            throws InterruptedException {
        clients.forEach(KafkaProducer::flush);
        for (RawProducer r : raws) {
            if (!r.flush()) {
                System.err.println("requests still unanswered 30 s after the end");
            }
        }
    }

    /** Latency samples in microseconds, taken by any thread; at most {@code capacity} are kept. */
    private static final class Samples {
        private final int[] micros;
        private final AtomicInteger count = new AtomicInteger();

        Samples(int capacity) {
            micros = new int[capacity];
        }

        void add(long nanos) {
            int i = count.getAndIncrement();
            if (i < micros.length) {
                micros[i] = (int) Math.min(Integer.MAX_VALUE, nanos / 1000);
            }
        }

        /** Puts {@code PREFIX_avg_ms}, p50, p99, p99.9 and max into {@code out}; nothing when there is no sample. */
        void report(String prefix, Map<String, String> out) {
            int[] lat = Arrays.copyOf(micros, Math.min(micros.length, count.get()));
            if (lat.length == 0) {
                return;
            }
            Arrays.sort(lat);
            out.put(prefix + "_avg_ms", String.format("%.3f", Arrays.stream(lat).asLongStream().sum() / (double) lat.length / 1000));
            out.put(prefix + "_p50_ms", ms(lat, 0.50));
            out.put(prefix + "_p99_ms", ms(lat, 0.99));
            out.put(prefix + "_p999_ms", ms(lat, 0.999));
            out.put(prefix + "_max_ms", String.format("%.3f", lat[lat.length - 1] / 1000.0));
        }
    }

    private static String ms(int[] sorted, double q) {
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return String.format("%.3f", sorted[Math.max(0, i)] / 1000.0);
    }

    /** Opens a connection and does one ApiVersions v0 exchange on it (header v1, client id "idle-N"). */
    private static SocketChannel apiVersionsExchange(InetSocketAddress addr, int n) throws IOException {
        SocketChannel ch = SocketChannel.open(addr);
        byte[] clientId = ("idle-" + n).getBytes(StandardCharsets.UTF_8);
        ByteBuffer req = ByteBuffer.allocate(10 + clientId.length);
        req.putShort((short) 18).putShort((short) 0).putInt(n).putShort((short) clientId.length).put(clientId).flip();
        Frames.write(ch, req);
        ByteBuffer body = Frames.read(ch);
        if (body.getInt(0) != n) {
            throw new IOException("ApiVersions answered with correlation id " + body.getInt(0) + ", expected " + n);
        }
        return ch;
    }

    /** True when the broker has not closed the connection (a non-blocking read finds no end of stream). */
    private static boolean stillOpen(SocketChannel ch) {
        try {
            ch.configureBlocking(false);
            return ch.read(ByteBuffer.allocate(1)) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
