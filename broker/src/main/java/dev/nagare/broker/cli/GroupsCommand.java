package dev.nagare.broker.cli;

import java.io.PrintWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

import picocli.CommandLine.Command;

/**
 * {@code nagare groups}: every consumer group with its state, members, assignor, the number of topics it committed
 * offsets for and its SumOffsetLag over them (ListGroups, DescribeGroups, OffsetFetch, ListOffsets).
 */
@Command(name = "groups", mixinStandardHelpOptions = true,
        description = "Lists consumer groups with state, members, assignor and SumOffsetLag over their topics.")
final class GroupsCommand extends ClientCommand {

    @Override
    int run(Admin admin, PrintWriter out, PrintWriter err) throws Exception {
        List<String> ids = admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get().stream()
                .map(GroupListing::groupId).sorted().toList();
        Map<String, KafkaFuture<ConsumerGroupDescription>> described =
                ids.isEmpty() ? Map.of() : admin.describeConsumerGroups(ids).describedGroups();
        Map<String, Map<TopicPartition, Long>> committed = Lags.committed(admin, ids);
        Set<TopicPartition> partitions = new HashSet<>();
        committed.values().forEach(offsets -> partitions.addAll(offsets.keySet()));
        Map<TopicPartition, LogOffsets> logs = LogOffsets.read(admin, partitions);

        TextTable table = new TextTable("GROUP", "STATE", "MEMBERS", "ASSIGNOR", "TOPICS", "SumOffsetLag");
        for (String id : ids) {
            ConsumerGroupDescription d = describe(described.get(id));
            if (d == null) {
                continue; // deleted since it was listed
            }
            List<CommittedLag> rows = Lags.rows(committed.get(id), Set.of(), logs);
            long topics = committed.get(id).keySet().stream().map(TopicPartition::topic).distinct().count();
            String assignor = d.partitionAssignor() == null || d.partitionAssignor().isEmpty() ? "-" : d.partitionAssignor();
            table.row(id, d.groupState(), d.members().size(), assignor, topics, Lags.sumOffsetLag(rows));
        }
        table.print(out);
        return 0;
    }

    private static ConsumerGroupDescription describe(KafkaFuture<ConsumerGroupDescription> future)
            throws ExecutionException, InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return null;
            }
            throw e;
        }
    }
}
