package dev.nagare.broker.lag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;

import dev.nagare.broker.group.GroupSnapshot;
import dev.nagare.broker.group.OffsetAndMetadata;
import dev.nagare.broker.partition.Partition;
import dev.nagare.broker.partition.PartitionManager;
import dev.nagare.storage.Log;

/**
 * Computes a group's lag from its committed offsets and the partitions' logs, with no consumer running.
 *
 * <p>Cost: one evaluation is O(partitions the group committed) lock-free reads of the logs' volatile end points;
 * for each partition that lags, one offset-index lookup and one 61-byte batch-header read for its time lag
 * ({@link Log#batchTimestampAt}), never a scan of records. Partitions of deleted topics are left out.
 *
 * <p>Stateless; thread-safe.
 */
public final class LagCalculator {

    private final PartitionManager partitions;
    private final Time time;

    public LagCalculator(PartitionManager partitions, Time time) {
        this.partitions = partitions;
        this.time = time;
    }

    public GroupLag evaluate(GroupSnapshot group) {
        long now = time.milliseconds();
        List<PartitionLag> result = new ArrayList<>(group.offsets().size());
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : group.offsets().entrySet()) {
            Optional<Partition> partition = partitions.partition(e.getKey());
            if (partition.isEmpty()) {
                continue;
            }
            result.add(partitionLag(e.getKey(), e.getValue(), partition.get().log(), now));
        }
        result.sort(Comparator.comparing(PartitionLag::topic).thenComparingInt(PartitionLag::partition));
        return new GroupLag(group.groupId(), group.state(), group.members().size(), group.stateTimestamp(), now,
                List.copyOf(result));
    }

    static PartitionLag partitionLag(TopicPartition tp, OffsetAndMetadata committed, Log log, long now) {
        long start = log.logStartOffset();
        long end = log.highWatermark();
        long from = Math.max(committed.offset(), start);
        long offsetLag = Math.max(0, end - from);
        long timeLag = 0;
        if (offsetLag > 0) {
            OptionalLong ts = log.batchTimestampAt(from);
            timeLag = ts.isPresent() && ts.getAsLong() >= 0 ? Math.max(0, now - ts.getAsLong()) : 0;
        }
        return new PartitionLag(tp.topic(), tp.partition(), committed.offset(), committed.commitTimestamp(), start,
                end, offsetLag, committed.offset() < start, timeLag);
    }
}
