package dev.nagare.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Writes many offset commits for the start-up replay figure of {@code __consumer_offsets}: ROUNDS commits of every
 * partition of a topic of PARTITIONS partitions (created if missing), for one group without members, so that
 * ROUNDS × PARTITIONS commit records are stored. Restart the broker afterwards and read its
 * "Loaded … record(s) of __consumer_offsets in … ms" line.
 *
 * <pre>java -cp ... dev.nagare.bench.CommitFlood BOOTSTRAP GROUP TOPIC PARTITIONS ROUNDS</pre>
 */
public final class CommitFlood {
    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: CommitFlood BOOTSTRAP GROUP TOPIC PARTITIONS ROUNDS");
            System.exit(2);
        }
        String group = args[1];
        String topic = args[2];
        int partitions = Integer.parseInt(args[3]);
        int rounds = Integer.parseInt(args[4]);
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        try (Admin admin = Admin.create(p)) {
            if (!admin.listTopics().names().get().contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
            }
            long start = System.nanoTime();
            for (int r = 1; r <= rounds; r++) {
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (int i = 0; i < partitions; i++) {
                    offsets.put(new TopicPartition(topic, i), new OffsetAndMetadata(r));
                }
                admin.alterConsumerGroupOffsets(group, offsets).all().get();
            }
            double s = (System.nanoTime() - start) / 1e9;
            System.out.printf("commits=%d seconds=%.1f commits/s=%.0f%n", (long) rounds * partitions, s,
                    rounds * (double) partitions / s);
        }
    }
}
