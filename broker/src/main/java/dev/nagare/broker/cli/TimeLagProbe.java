package dev.nagare.broker.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;

/**
 * Finds the timestamp of the first record at or after an offset, per partition, by reading that record.
 *
 * <p>Why a read: no Kafka request maps an offset to a timestamp. ListOffsets goes the other way (timestamp → offset),
 * and its special specs answer for the whole partition (earliest, latest, max timestamp), so a lookup through it
 * would be a binary search of many round trips that still lands only near the record. A fetch from the offset returns
 * the batch that holds it; the consumer skips the records before the offset inside that batch, so the timestamp is the
 * record's own (CreateTime or LogAppendTime, as the topic keeps it), exact even when the commit points into the
 * middle of a batch or at a record that compaction removed (then the next one counts).
 *
 * <p>Cost: a consumer without a group assigns every lagging partition at once, seeks each to its offset and polls;
 * one Fetch round trip usually serves all of them (at most {@code max.partition.fetch.bytes} each, the client's
 * default, since a smaller limit only helps when the broker returns nothing rather than a cut batch). A partition
 * is paused as soon as it yields its first record, so nothing more is read from it. A partition whose remaining
 * records are all control records (transaction markers) yields none; it is done when the consumer's position reaches
 * the end offset, and has no time lag.
 *
 * <p>Not thread-safe; one use per command.
 */
final class TimeLagProbe {

    /** The answer for a partition with no data record from the offset to its end. */
    static final long NO_RECORD = Long.MIN_VALUE;

    /** What to read: from {@code offset}, where the log ends at {@code end} (exclusive). */
    record Target(long offset, long end) {
    }

    private TimeLagProbe() {
    }

    /**
     * The timestamp of the first record at or after each target's offset, or {@link #NO_RECORD} when the partition
     * holds no data record there; partitions not answered within {@code timeout} (and records without a timestamp,
     * {@code -1}) are left out.
     */
    static Map<TopicPartition, Long> firstTimestamps(Properties consumerConfig, Map<TopicPartition, Target> targets,
                                                    Duration timeout, Time time) {
        Map<TopicPartition, Long> found = new HashMap<>();
        if (targets.isEmpty()) {
            return found;
        }
        Properties p = new Properties();
        p.putAll(consumerConfig);
        // If retention moves the log start past a target while this runs, the first record there is the right answer.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, targets.size()));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.assign(targets.keySet());
            targets.forEach((tp, target) -> consumer.seek(tp, target.offset()));
            List<TopicPartition> pending = new ArrayList<>(targets.keySet());
            long deadline = time.milliseconds() + timeout.toMillis();
            while (!pending.isEmpty() && time.milliseconds() < deadline) {
                long wait = Math.max(1, Math.min(500, deadline - time.milliseconds()));
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(wait))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (pending.remove(tp)) {
                        consumer.pause(List.of(tp));
                        if (r.timestamp() >= 0) {
                            found.put(tp, r.timestamp());
                        }
                    }
                }
                for (TopicPartition tp : List.copyOf(pending)) {
                    if (consumer.position(tp, Duration.ofMillis(wait)) >= targets.get(tp).end()) {
                        pending.remove(tp);
                        found.put(tp, NO_RECORD);
                    }
                }
            }
        }
        return found;
    }
}
