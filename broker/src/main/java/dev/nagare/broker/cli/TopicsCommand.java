package dev.nagare.broker.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nagare topics}: every topic with its partition count and internal flag, then every partition's log start
 * and log end offset (Metadata, then ListOffsets earliest and latest).
 */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Lists topics, and each partition's log start and end offsets.")
final class TopicsCommand extends ClientCommand {

    @Option(names = "--exclude-internal", description = "Leaves out internal topics such as __consumer_offsets.")
    boolean excludeInternal;

    @Override
    int run(Admin admin, PrintWriter out, PrintWriter err) throws Exception {
        var names = admin.listTopics(new ListTopicsOptions().listInternal(!excludeInternal)).names().get();
        Map<String, TopicDescription> topics = new TreeMap<>(admin.describeTopics(names).allTopicNames().get());
        List<TopicPartition> partitions = new ArrayList<>();
        TextTable summary = new TextTable("TOPIC", "PARTITIONS", "INTERNAL");
        for (TopicDescription t : topics.values()) {
            summary.row(t.name(), t.partitions().size(), t.isInternal());
            for (TopicPartitionInfo p : t.partitions()) {
                partitions.add(new TopicPartition(t.name(), p.partition()));
            }
        }
        Map<TopicPartition, LogOffsets> offsets = LogOffsets.read(admin, partitions);
        TextTable detail = new TextTable("TOPIC", "PARTITION", "LOG-START-OFFSET", "LOG-END-OFFSET");
        partitions.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        for (TopicPartition tp : partitions) {
            LogOffsets o = offsets.get(tp);
            detail.row(tp.topic(), tp.partition(), o == null ? "-" : o.start(), o == null ? "-" : o.end());
        }
        summary.print(out);
        out.println();
        detail.print(out);
        return 0;
    }
}
