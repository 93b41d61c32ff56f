package dev.nagare.broker.lag;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Each group's recent consume rate per partition, and from it MSK's EstimatedTimeLag: the seconds the group needs to
 * drain a partition's offset lag at the pace it committed over the last 5 to 10 minutes.
 *
 * <p>Per group × partition it keeps two anchors, (committed offset, time) pairs: {@code base} and {@code next}.
 * Each sample moves {@code next} to {@code base} and itself to {@code next} once {@code next} is at least
 * {@value #RATE_WINDOW_MS} ms old, so {@code base} is between 5 and 10 minutes old once the partition has been seen
 * that long. A committed offset that moves backwards (an offset reset) starts the partition afresh. The estimate:
 * <pre>
 * offset lag 0                                          → 0
 * partition seen for less than 5 minutes                → NaN (not known yet)
 * committed offset now ≤ base offset, offset lag &gt; 0    → +Infinity (no progress: it never drains)
 * otherwise   offset lag × (now − base time) / (committed now − base offset) / 1000   seconds
 * </pre>
 * NaN and +Infinity are Prometheus's {@code NaN} and {@code +Inf}; a JSON writer must spell them (e.g. null and
 * "Infinity"). Memory: four longs and a key per group × partition committed, about 150 bytes; partitions not seen
 * in the latest sample are forgotten. Not persisted: after a restart estimates are NaN for 5 minutes.
 *
 * <p>Thread-safe: every method holds this object's lock; the sampler thread writes, any thread reads.
 */
final class ConsumeRates {

    /** The shortest span a rate is measured over. */
    static final long RATE_WINDOW_MS = 5 * 60_000;

    private record Key(String group, String topic, int partition) {
    }

    private static final class Anchors {
        long baseOffset;
        long baseMs;
        long nextOffset;
        long nextMs;

        Anchors(long offset, long ms) {
            baseOffset = nextOffset = offset;
            baseMs = nextMs = ms;
        }
    }

    /** Guarded by this. */
    private final Map<Key, Anchors> anchors = new HashMap<>();

    /** Takes in one sample of every group's committed offsets. */
    synchronized void observe(List<GroupLag> groups, long nowMs) {
        Set<Key> seen = new HashSet<>();
        for (GroupLag g : groups) {
            for (PartitionLag p : g.partitions()) {
                Key key = new Key(g.group(), p.topic(), p.partition());
                seen.add(key);
                Anchors a = anchors.get(key);
                if (a == null || p.committedOffset() < a.nextOffset) {
                    anchors.put(key, new Anchors(p.committedOffset(), nowMs));
                } else if (nowMs - a.nextMs >= RATE_WINDOW_MS) {
                    a.baseOffset = a.nextOffset;
                    a.baseMs = a.nextMs;
                    a.nextOffset = p.committedOffset();
                    a.nextMs = nowMs;
                }
            }
        }
        anchors.keySet().retainAll(seen);
    }

    /** EstimatedTimeLag of a group's partition at {@code nowMs}, in seconds, as the class comment defines it. */
    synchronized double estimatedTimeLagSeconds(String group, PartitionLag p, long nowMs) {
        if (p.offsetLag() == 0) {
            return 0;
        }
        Anchors a = anchors.get(new Key(group, p.topic(), p.partition()));
        if (a == null || nowMs - a.baseMs < RATE_WINDOW_MS) {
            return Double.NaN;
        }
        long progressed = p.committedOffset() - a.baseOffset;
        if (progressed <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        return p.offsetLag() * ((nowMs - a.baseMs) / 1000.0) / progressed;
    }

    /**
     * The largest of some partitions' estimates (MSK's EstimatedMaxTimeLag): +Infinity if any is, else NaN if any
     * is, else the maximum; 0 for none.
     */
    static double max(double[] estimates) {
        double max = 0;
        boolean unknown = false;
        for (double e : estimates) {
            if (e == Double.POSITIVE_INFINITY) {
                return e;
            }
            if (Double.isNaN(e)) {
                unknown = true;
            } else {
                max = Math.max(max, e);
            }
        }
        return unknown ? Double.NaN : max;
    }
}
