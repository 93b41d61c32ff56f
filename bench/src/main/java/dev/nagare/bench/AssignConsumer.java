package dev.nagare.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A group-less consumer for bench/compare.sh: assigns every partition of a topic, seeks to the
 * beginning and polls until N records are read (or nothing arrives for 30 s).
 *
 * <pre>java -cp ... dev.nagare.bench.AssignConsumer BOOTSTRAP TOPIC N [key=value consumer props...]</pre>
 *
 * Prints one line: {@code records=R bytes=B MB=M seconds=S MB/s=X records/s=Y} (MB = 10^6 bytes of
 * keys and values). Exits 1 if fewer than N records were read.
 */
public final class AssignConsumer {
    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: AssignConsumer BOOTSTRAP TOPIC N [key=value...]");
            System.exit(2);
        }
        String topic = args[1];
        long want = Long.parseLong(args[2]);
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        for (int i = 3; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            p.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        long records = 0, bytes = 0;
        long start = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (PartitionInfo pi : c.partitionsFor(topic, Duration.ofSeconds(30))) {
                tps.add(new TopicPartition(pi.topic(), pi.partition()));
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            long lastData = System.nanoTime();
            while (records < want) {
                ConsumerRecords<byte[], byte[]> batch = c.poll(Duration.ofMillis(200));
                if (batch.isEmpty()) {
                    if (System.nanoTime() - lastData > 30_000_000_000L) break;
                    continue;
                }
                lastData = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    records++;
                    bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
                }
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        double mb = bytes / 1e6;
        System.out.printf("records=%d bytes=%d MB=%.2f seconds=%.3f MB/s=%.2f records/s=%.0f%n",
                records, bytes, mb, secs, mb / secs, records / secs);
        System.exit(records >= want ? 0 : 1);
    }
}
