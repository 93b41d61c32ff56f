package dev.nagare.broker.lag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One evaluation of a group's lag: every partition it has committed offsets for, sorted by topic and partition.
 * Immutable.
 *
 * @param group          the group id
 * @param state          Kafka's state name (Empty, Stable, PreparingRebalance, CompletingRebalance)
 * @param members        how many members it has now
 * @param stateTimestamp when its state was last recorded (for an Empty group: when it became empty); -1 if never
 * @param evaluatedAtMs  the broker time of the evaluation
 * @param partitions     the lag per partition
 */
public record GroupLag(String group, String state, int members, long stateTimestamp, long evaluatedAtMs,
                       List<PartitionLag> partitions) {

    /** The lag per topic (SumOffsetLag, MaxOffsetLag, max time lag), sorted by topic. */
    public List<TopicLag> topics() {
        Map<String, long[]> byTopic = new TreeMap<>();
        for (PartitionLag p : partitions) {
            long[] t = byTopic.computeIfAbsent(p.topic(), k -> new long[5]);
            t[0]++;
            t[1] += p.offsetLag();
            t[2] = Math.max(t[2], p.offsetLag());
            t[3] = Math.max(t[3], p.timeLagMs());
            t[4] += p.committedOffset();
        }
        List<TopicLag> result = new ArrayList<>(byTopic.size());
        byTopic.forEach((topic, t) -> result.add(new TopicLag(topic, (int) t[0], t[1], t[2], t[3], t[4])));
        return result;
    }

    public long totalOffsetLag() {
        long sum = 0;
        for (PartitionLag p : partitions) {
            sum += p.offsetLag();
        }
        return sum;
    }
}
