package dev.nagare.broker.testing;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A consumer-group member in a process of its own, so that a test can kill it with SIGKILL (no LeaveGroup, no more
 * heartbeats). Prints {@code ASSIGNED <n>} after each assignment and polls until killed.
 *
 * <pre>java -cp … dev.nagare.broker.testing.GroupMemberMain BOOTSTRAP GROUP TOPIC SESSION_TIMEOUT_MS</pre>
 */
public final class GroupMemberMain {

    public static void main(String[] args) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, args[1]);
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, args[3]);
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(args[2]), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    System.out.println("ASSIGNED " + c.assignment().size());
                    System.out.flush();
                }
            });
            while (true) {
                c.poll(Duration.ofMillis(100));
            }
        }
    }
}
