package dev.nagare.broker.lag;

import java.util.List;

/**
 * A group's status on one topic, after the consumer lag evaluation rules of LinkedIn's Burrow, applied to
 * {@link LagHistory}'s 10-second samples over a window of {@value #WINDOW_MS} ms (Burrow's default: 10 commits a
 * minute apart). The points judged are the topic's samples taken in {@code [now − window, now]} followed by the
 * current evaluation at {@code now}. In order, the first rule that holds decides:
 * <ol>
 * <li><b>OK</b> if the topic's summed offset lag is 0 now or in any sample of the window (Burrow's rule 1: a group
 *     that was caught up in the window is fine, even if records arrived since).</li>
 * <li><b>STOP</b> if a partition with offset lag &gt; 0 was last committed more than the window ago
 *     ({@code now − commit timestamp > window}). Burrow compares the time since the last commit with the span of
 *     its window of commits; with samples at a fixed pace the window itself is that span.</li>
 * <li><b>OK</b> if the history does not cover the window (its oldest sample in the window is a step or more after
 *     {@code now − window}, e.g. a new group): too little to judge rules 4 and 5 on.</li>
 * <li><b>STALL</b> if the summed committed offset is the same at every point: the group commits (rule 2 did not
 *     hold) but does not move (Burrow's rule 4).</li>
 * <li><b>WARN</b> if the summed lag never decreases from one point to the next and is higher at the last point
 *     than at the first: the group moves but falls behind (Burrow's rule 5). Burrow also warns on a constant lag;
 *     here a group that keeps pace with a constant backlog is OK, as the issue asks for "lag growing".</li>
 * <li><b>OK</b> otherwise.</li>
 * </ol>
 * Burrow's REWIND (a committed offset moving backwards) is not a status here: an offset reset is an operator's
 * choice, and the estimates start afresh after it ({@link ConsumeRates}). A group's status is the most severe of
 * its topics' (OK for a group without committed offsets). Burrow judges per partition; the history keeps per-topic
 * sums, so rules 4 and 5 look at a topic's sums and rule 2 at each partition.
 *
 * <p>Stateless.
 */
final class StatusRules {

    /** The window the rules look back over: 10 minutes. */
    static final long WINDOW_MS = 10 * 60_000;

    private StatusRules() {
    }

    /**
     * @param partitions the group's current lag on the topic's partitions, evaluated at {@code nowMs}
     * @param window     the topic's samples taken in {@code [nowMs − WINDOW_MS, nowMs]}, oldest first
     */
    static LagStatus topicStatus(List<PartitionLag> partitions, List<LagSample> window, long nowMs) {
        long lagNow = 0;
        long committedNow = 0;
        for (PartitionLag p : partitions) {
            lagNow += p.offsetLag();
            committedNow += p.committedOffset();
        }
        if (lagNow == 0 || window.stream().anyMatch(s -> s.sumOffsetLag() == 0)) {
            return LagStatus.OK;
        }
        for (PartitionLag p : partitions) {
            if (p.offsetLag() > 0 && nowMs - p.commitTimestamp() > WINDOW_MS) {
                return LagStatus.STOP;
            }
        }
        if (window.isEmpty() || window.get(0).timestampMs() >= nowMs - WINDOW_MS + LagHistory.STEP_MS) {
            return LagStatus.OK;
        }
        boolean committedMoved = false;
        boolean lagDecreased = false;
        for (int i = 0; i < window.size(); i++) {
            LagSample s = window.get(i);
            long nextCommitted = i + 1 < window.size() ? window.get(i + 1).committedSum() : committedNow;
            long nextLag = i + 1 < window.size() ? window.get(i + 1).sumOffsetLag() : lagNow;
            committedMoved |= nextCommitted != s.committedSum();
            lagDecreased |= nextLag < s.sumOffsetLag();
        }
        if (!committedMoved) {
            return LagStatus.STALL;
        }
        if (!lagDecreased && lagNow > window.get(0).sumOffsetLag()) {
            return LagStatus.WARN;
        }
        return LagStatus.OK;
    }
}
