package dev.nagare.broker.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.utils.Time;

import dev.nagare.broker.config.BrokerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nagare lag GROUP}: the group's state, members and status; per partition the committed offset, log end
 * offset, lag and time lag; then per topic SumOffsetLag, MaxOffsetLag, the largest time lag and the status. Works
 * with no consumer running: the offsets are the group's committed ones (OffsetFetch). Time lag is now − the
 * timestamp of the first record the group has yet to consume, read by {@link TimeLagProbe}; 0 when caught up. The
 * group's status and each topic's (OK, WARN, STALL, STOP) come from the broker's JSON API ({@link BrokerStatus}),
 * since only the broker keeps the lag history they are judged on.
 */
@Command(name = "lag", mixinStandardHelpOptions = true,
        description = {"Shows a consumer group's lag per partition and per topic, from its committed offsets, and "
                + "its status as the broker judges it from its lag history over the last 10 minutes:",
                "  OK     caught up at some point, or keeping up",
                "  WARN   committing, but the lag grew across the window",
                "  STALL  lagging, and the committed offsets did not move",
                "  STOP   lagging, and no commit for longer than the window",
                "Offsets and lag are read over the Kafka protocol (--bootstrap-server); the status, which no Kafka "
                        + "request carries, from the broker's HTTP API (--http). When that does not answer, the "
                        + "status is shown as unknown with the reason, and the command still succeeds."})
final class LagCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "GROUP", description = "The consumer group.")
    String group;

    @Option(names = "--http", paramLabel = "URL", defaultValue = BrokerConfig.DEFAULT_HTTP_LISTENERS,
            description = "The broker's HTTP listener (its http.listeners), where the status is read from "
                    + "GET URL/api/v1/groups/GROUP; default ${DEFAULT-VALUE}.")
    String http;

    private final Time time;

    LagCommand() {
        this(Time.SYSTEM);
    }

    LagCommand(Time time) {
        this.time = time;
    }

    @Override
    int run(Admin admin, PrintWriter out, PrintWriter err) throws Exception {
        ConsumerGroupDescription description = describe(admin);
        Map<TopicPartition, Long> committed = Lags.committed(admin, List.of(group)).get(group);
        if (description == null && committed.isEmpty()) {
            err.println("Error: Consumer group '" + group + "' does not exist.");
            return FAILED;
        }
        Set<TopicPartition> assigned = new HashSet<>();
        if (description != null) {
            for (MemberDescription m : description.members()) {
                assigned.addAll(m.assignment().topicPartitions());
            }
        }
        Set<TopicPartition> partitions = new HashSet<>(committed.keySet());
        partitions.addAll(assigned);
        List<CommittedLag> rows = withTimeLags(Lags.rows(committed, assigned, LogOffsets.read(admin, partitions)), err);

        int members = description == null ? 0 : description.members().size();
        BrokerStatus status = BrokerStatus.read(http, group, cluster.timeout());
        out.println("Consumer group '" + group + "': " + (description == null ? "-" : description.groupState())
                + ", " + members + (members == 1 ? " member" : " members"));
        out.println(status.line());
        out.println();
        TextTable table = new TextTable("TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "TIME-LAG",
                "NOTE");
        for (CommittedLag r : rows) {
            table.row(r.partition().topic(), r.partition().partition(),
                    r.committed().isPresent() ? r.committed().getAsLong() : "-",
                    r.log() == null ? "-" : r.log().end(),
                    r.known() ? r.offsetLag() : "-",
                    timeLag(r.timeLagMs()),
                    note(r));
        }
        table.print(out);
        out.println();
        TextTable topics = new TextTable("TOPIC", "PARTITIONS", "SumOffsetLag", "MaxOffsetLag", "MaxTimeLag",
                "STATUS");
        for (Lags.TopicLag t : Lags.byTopic(rows)) {
            topics.row(t.topic(), t.partitions(), t.sumOffsetLag(), t.maxOffsetLag(), timeLag(t.maxTimeLagMs()),
                    status.of(t.topic()));
        }
        topics.print(out);
        return 0;
    }

    /** The group's description, or null when the cluster does not know it (Kafka 4 answers not found; older, Dead). */
    private ConsumerGroupDescription describe(Admin admin) throws ExecutionException, InterruptedException {
        try {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
            return d.groupState() == GroupState.DEAD ? null : d;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return null;
            }
            throw e;
        }
    }

    /** Caught-up partitions get 0; lagging ones the age of their next record; the rest (no commit, no log) none. */
    private List<CommittedLag> withTimeLags(List<CommittedLag> rows, PrintWriter err) throws Exception {
        Map<TopicPartition, TimeLagProbe.Target> targets = new LinkedHashMap<>();
        for (CommittedLag r : rows) {
            if (r.known() && r.offsetLag() > 0) {
                targets.put(r.partition(), new TimeLagProbe.Target(r.consumeFrom(), r.log().end()));
            }
        }
        Map<TopicPartition, Long> timestamps =
                TimeLagProbe.firstTimestamps(cluster.consumerConfig(), targets, cluster.timeout(), time);
        long now = time.milliseconds();
        List<CommittedLag> result = new ArrayList<>(rows.size());
        List<TopicPartition> unanswered = new ArrayList<>();
        for (CommittedLag r : rows) {
            if (!r.known()) {
                result.add(r);
            } else if (!targets.containsKey(r.partition())) {
                result.add(r.withTimeLag(0));
            } else {
                Long ts = timestamps.get(r.partition());
                if (ts == null) {
                    unanswered.add(r.partition());
                    result.add(r);
                } else {
                    result.add(r.withTimeLag(ts == TimeLagProbe.NO_RECORD ? 0 : Math.max(0, now - ts)));
                }
            }
        }
        if (!unanswered.isEmpty()) {
            err.println("Warning: no record with a timestamp read within " + cluster.timeoutMs + " ms from "
                    + unanswered + "; their TIME-LAG is shown as -");
        }
        return result;
    }

    private static String timeLag(OptionalLong millis) {
        return millis.isPresent() ? Durations.format(millis.getAsLong()) : "-";
    }

    private static String note(CommittedLag r) {
        if (r.committed().isEmpty()) {
            return "assigned, nothing committed";
        }
        if (r.log() == null) {
            return "partition not found";
        }
        return r.belowLogStart() ? "committed below log start " + r.log().start() : "";
    }
}
