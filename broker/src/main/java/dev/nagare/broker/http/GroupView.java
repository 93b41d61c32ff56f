package dev.nagare.broker.http;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import dev.nagare.broker.group.GroupSnapshot;
import dev.nagare.broker.lag.ExpiryForecast;
import dev.nagare.broker.lag.GroupLag;
import dev.nagare.broker.lag.GroupReport;
import dev.nagare.broker.lag.PartitionLag;
import dev.nagare.broker.lag.PartitionReport;
import dev.nagare.broker.lag.TopicLag;
import dev.nagare.broker.lag.TopicReport;

/**
 * A group as {@code /api/v1/groups} shows it: its state and members (with the partitions assigned to each, decoded
 * from the consumer protocol), and per partition its committed offset and lag, per topic SumOffsetLag and
 * MaxOffsetLag. Immutable.
 *
 * @param groupId        the group id
 * @param state          Kafka's state name (Empty, PreparingRebalance, CompletingRebalance, Stable)
 * @param protocolType   "consumer" for consumer groups, "" for a group that only commits offsets
 * @param assignor       the selected assignor (e.g. "range"), or null
 * @param generation     the generation id
 * @param stateTimestamp when the state was last recorded (an Empty group: when it became empty), -1 if never
 * @param evaluatedAtMs  the broker time at which the lag was computed
 * @param totalOffsetLag the lag over every partition
 * @param status         OK, WARN, STALL or STOP after Burrow's rules over the history window (the worst of its
 *                       topics', {@link dev.nagare.broker.lag.StatusRules})
 * @param expiry         for an Empty group, when its offsets expire and what {@code auto.offset.reset} would then
 *                       skip or process again ({@link ExpiryForecast}); null for a group with members
 * @param members        the members in join order
 * @param partitions     committed offset, lag and estimated time lag per partition (only partitions with a commit)
 * @param topics         lag, estimated max time lag and status per topic
 */
record GroupView(String groupId, String state, String protocolType, String assignor, int generation,
                 long stateTimestamp, long evaluatedAtMs, long totalOffsetLag, String status, ExpiryForecast expiry,
                 List<MemberView> members,
                 List<PartitionView> partitions, List<TopicView> topics) {

    /**
     * One partition: the fields of {@link PartitionLag} and MSK's EstimatedTimeLag.
     *
     * @param estimatedTimeLagSeconds seconds to drain the offset lag at the group's recent consume rate; the string
     *                                {@code "Infinity"} when the group makes no progress, null while not known
     */
    record PartitionView(@JsonUnwrapped PartitionLag lag, Double estimatedTimeLagSeconds) {
        static PartitionView of(PartitionReport r) {
            return new PartitionView(r.lag(), known(r.estimatedTimeLagSeconds()));
        }
    }

    /**
     * One topic: the fields of {@link TopicLag}, MSK's EstimatedMaxTimeLag (as {@link PartitionView} writes an
     * estimate) and the group's status on it: OK, WARN, STALL or STOP.
     */
    record TopicView(@JsonUnwrapped TopicLag lag, Double estimatedMaxTimeLagSeconds, String status) {
        static TopicView of(TopicReport r) {
            return new TopicView(r.lag(), known(r.estimatedMaxTimeLagSeconds()), r.status().name());
        }
    }

    /** An estimate as the API writes it: NaN (not known) as null; Jackson writes +Infinity as "Infinity". */
    private static Double known(double estimate) {
        return Double.isNaN(estimate) ? null : estimate;
    }

    /**
     * One member.
     *
     * @param assignment the partitions assigned to it, per topic; empty before SyncGroup or for a protocol that is
     *                   not the consumer protocol
     */
    record MemberView(String memberId, String groupInstanceId, String clientId, String clientHost,
                      List<TopicAssignment> assignment) {
    }

    /** The partitions of one topic assigned to a member. */
    record TopicAssignment(String topic, List<Integer> partitions) {
    }

    /** @param report the lag service's report of {@code lag} (status and forecast) */
    static GroupView of(GroupSnapshot group, GroupLag lag, GroupReport report) {
        List<MemberView> members = new ArrayList<>(group.members().size());
        for (GroupSnapshot.Member m : group.members()) {
            members.add(new MemberView(m.memberId(), m.instanceId(), m.clientId(), m.clientHost(),
                    "consumer".equals(group.protocolType()) ? decode(m.assignment()) : List.of()));
        }
        return new GroupView(group.groupId(), group.state(), group.protocolType(), group.protocolName(),
                group.generation(), group.stateTimestamp(), lag.evaluatedAtMs(), lag.totalOffsetLag(),
                report.status().name(), report.expiry().orElse(null), members,
                report.partitions().stream().map(PartitionView::of).toList(),
                report.topics().stream().map(TopicView::of).toList());
    }

    /** The consumer protocol's assignment, by topic then partition; empty when absent or not decodable. */
    static List<TopicAssignment> decode(byte[] assignment) {
        if (assignment == null || assignment.length == 0) {
            return List.of();
        }
        List<TopicPartition> partitions;
        try {
            partitions = ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(assignment)).partitions();
        } catch (RuntimeException e) {
            return List.of(); // a client that put something else in a "consumer" group's assignment
        }
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
        }
        List<TopicAssignment> out = new ArrayList<>(byTopic.size());
        byTopic.forEach((topic, ps) -> {
            ps.sort(null);
            out.add(new TopicAssignment(topic, List.copyOf(ps)));
        });
        return out;
    }
}
