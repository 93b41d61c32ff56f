package dev.nagare.broker.cli;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * The log start and log end offset of partitions, read with ListOffsets (earliest and latest, read uncommitted: the
 * end is the high watermark, as consumers and {@code kafka-consumer-groups} see it). A partition the cluster does not
 * know (its topic was deleted) is left out of the answer rather than failing the whole read.
 */
record LogOffsets(long start, long end) {

    static Map<TopicPartition, LogOffsets> read(Admin admin, Collection<TopicPartition> partitions)
            throws ExecutionException, InterruptedException {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicPartition tp : partitions) {
            earliest.put(tp, OffsetSpec.earliest());
            latest.put(tp, OffsetSpec.latest());
        }
        ListOffsetsResult starts = admin.listOffsets(earliest);
        ListOffsetsResult ends = admin.listOffsets(latest);
        Map<TopicPartition, LogOffsets> result = new HashMap<>();
        for (TopicPartition tp : partitions) {
            Long start = offset(starts.partitionResult(tp));
            Long end = offset(ends.partitionResult(tp));
            if (start != null && end != null) {
                result.put(tp, new LogOffsets(start, end));
            }
        }
        return result;
    }

    /** The offset, or null when the cluster answered an error for this partition; a timeout fails the read. */
    private static Long offset(KafkaFuture<ListOffsetsResultInfo> future)
            throws ExecutionException, InterruptedException {
        try {
            return future.get().offset();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException && !(e.getCause() instanceof TimeoutException)) {
                return null;
            }
            throw e;
        }
    }
}
