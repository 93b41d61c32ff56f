package dev.nagare.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Time;

import dev.nagare.broker.Broker;
import dev.nagare.broker.config.BrokerConfig;
import dev.nagare.broker.lag.GroupLag;

/**
 * The cost of consumer lag at scale: a broker in this JVM with TOPICS × PARTITIONS partitions (10,000 by default),
 * RECORDS records in each, and GROUPS groups (100) that each committed offset RECORDS/2 on every partition of
 * TOPICS_PER_GROUP topics (10, i.e. 1,000 partitions per group, 100,000 committed partitions in all) — every
 * partition lagging, so each evaluation reads one batch header per committed partition for its time lag. After one
 * lag history sample, it times, after WARMUP untimed rounds, ROUNDS of {@code LagMonitor.evaluateAll()} (lag from
 * committed offsets), ROUNDS of {@code LagService.reports()} (that plus estimates and status from the history) and
 * ROUNDS of {@code GET /metrics} over loopback, and prints min / median / max in ms and the size of the scrape. Not
 * a test: figures for the notes.
 *
 * <pre>java -cp ... dev.nagare.bench.LagScrape [TOPICS=100] [PARTITIONS=100] [GROUPS=100] [TOPICS_PER_GROUP=10]</pre>
 */
public final class LagScrape {
    private static final int RECORDS = 10;
    private static final int WARMUP = 5;
    private static final int ROUNDS = 20;

    public static void main(String[] args) throws Exception {
        int topics = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int groups = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int topicsPerGroup = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        Path dir = Files.createTempDirectory("nagare-lagscrape");
        Map<String, String> props = new HashMap<>();
        props.put("log.dirs", dir.toString());
        props.put("listeners", "PLAINTEXT://127.0.0.1:0");
        props.put("http.listeners", "http://127.0.0.1:0");
        props.put("log.index.size.max.bytes", "65536"); // 10,000 partitions' preallocated indexes stay small
        long t0 = System.nanoTime();
        try (Broker broker = Broker.start(new BrokerConfig(props), Time.SYSTEM)) {
            String bootstrap = broker.bootstrapServers();
            Properties ap = new Properties();
            ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            ap.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 600_000);
            ap.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 600_000);
            try (Admin admin = Admin.create(ap)) {
                List<NewTopic> newTopics = new ArrayList<>();
                for (int t = 0; t < topics; t++) {
                    newTopics.add(new NewTopic(topic(t), partitions, (short) 1));
                }
                admin.createTopics(newTopics).all().get();
                produce(bootstrap, topics, partitions);
                for (int g = 0; g < groups; g++) {
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    for (int k = 0; k < topicsPerGroup; k++) {
                        String name = topic((g * topicsPerGroup + k) % topics);
                        for (int p = 0; p < partitions; p++) {
                            offsets.put(new TopicPartition(name, p), new OffsetAndMetadata(RECORDS / 2));
                        }
                    }
                    admin.alterConsumerGroupOffsets("group-" + g, offsets).all().get();
                }
            }
            System.out.printf("setup: %d partitions, %d groups, %d committed partitions, %d s%n",
                    topics * partitions, groups, (long) groups * topicsPerGroup * partitions,
                    (System.nanoTime() - t0) / 1_000_000_000);

            broker.lagService().sampleNow(); // so that status and estimates read a history
            long[] lag = new long[ROUNDS];
            long lagged = 0;
            for (int i = -WARMUP; i < ROUNDS; i++) {
                long s = System.nanoTime();
                List<GroupLag> all = broker.lag().evaluateAll().get();
                long e = System.nanoTime() - s;
                if (i >= 0) {
                    lag[i] = e;
                    lagged = all.stream().mapToLong(GroupLag::totalOffsetLag).sum();
                }
            }
            long[] reports = new long[ROUNDS];
            for (int i = -WARMUP; i < ROUNDS; i++) {
                long s = System.nanoTime();
                broker.lagService().reports().get();
                if (i >= 0) {
                    reports[i] = System.nanoTime() - s;
                }
            }
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + broker.httpAddress().orElseThrow().getPort() + "/metrics");
            long[] scrape = new long[ROUNDS];
            int bytes = 0;
            long lines = 0;
            for (int i = -WARMUP; i < ROUNDS; i++) {
                long s = System.nanoTime();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                long e = System.nanoTime() - s;
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("/metrics answered " + r.statusCode() + ": " + r.body());
                }
                if (i >= 0) {
                    scrape[i] = e;
                    bytes = r.body().length();
                    lines = r.body().lines().filter(l -> !l.startsWith("#")).count();
                }
            }
            System.out.printf("lag evaluation (evaluateAll, total lag %d): %s%n", lagged, stats(lag));
            System.out.printf("lag reports (reports: + estimates and status): %s%n", stats(reports));
            System.out.printf("GET /metrics (%d series, %d bytes): %s%n", lines, bytes, stats(scrape));
        }
    }

    private static void produce(String bootstrap, int topics, int partitions) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (int t = 0; t < topics; t++) {
                for (int q = 0; q < partitions; q++) {
                    for (int r = 0; r < RECORDS; r++) {
                        producer.send(new ProducerRecord<>(topic(t), q, null, new byte[100]));
                    }
                }
            }
            producer.flush();
        }
    }

    private static String topic(int t) {
        return String.format("t%03d", t);
    }

    private static String stats(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return String.format("min %.1f ms, median %.1f ms, max %.1f ms over %d rounds", s[0] / 1e6,
                s[s.length / 2] / 1e6, s[s.length - 1] / 1e6, s.length);
    }
}
