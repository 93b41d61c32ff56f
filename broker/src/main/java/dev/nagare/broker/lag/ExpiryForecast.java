package dev.nagare.broker.lag;

import java.util.Optional;

/**
 * When an empty group's committed offsets expire under {@code offsets.retention.minutes}, and what
 * {@code auto.offset.reset} will then make its next consumer do. Immutable.
 *
 * <p>When: a group that had members expires as a whole, {@code retention} after it became empty (its state
 * timestamp); a group that never had members (it only committed, e.g. through {@code assign()} or the admin client)
 * loses each offset {@code retention} after that offset's commit, so the first and the last expiry differ. The
 * coordinator deletes them at its first expiry check at or after that time ({@code
 * offsets.retention.check.interval.ms} later at most). A group with members has no forecast: its subscribed
 * offsets never expire.
 *
 * <p>Then, counted over the partitions it has committed offsets for, from the logs as they are now (records
 * produced before the expiry add to every count; retention deleting records lowers them):
 * <ul>
 * <li>with {@code latest} it starts at the log end and never sees the records between its committed offset and the
 *     log end: it skips {@code Σ (log end − max(committed, log start))}, which is its offset lag;</li>
 * <li>with {@code earliest} it starts at the log start and processes every stored record,
 *     {@code Σ (log end − log start)} — nothing is subtracted, because the records it already processed are
 *     delivered again along with those it had not reached; of them, {@code Σ (min(max(committed, log start),
 *     log end) − log start)} are ones it had already processed (duplicates).</li>
 * </ul>
 *
 * @param earliestExpiryMs             broker time when the first of its offsets expires
 * @param latestExpiryMs               broker time when the last of its offsets expires (the same for a group that
 *                                     had members)
 * @param skippedWithLatest            stored records {@code latest} would skip
 * @param processedWithEarliest        stored records {@code earliest} would process (all of them)
 * @param alreadyProcessedWithEarliest of those, the ones it had already processed
 */
public record ExpiryForecast(long earliestExpiryMs, long latestExpiryMs, long skippedWithLatest,
                             long processedWithEarliest, long alreadyProcessedWithEarliest) {

    /** The forecast for a group, or none if it has members or nothing to expire. */
    static Optional<ExpiryForecast> of(GroupLag group, long retentionMs) {
        if (!"Empty".equals(group.state()) || group.members() > 0) {
            return Optional.empty();
        }
        long earliest = Long.MAX_VALUE;
        long latest = Long.MIN_VALUE;
        long skipped = 0;
        long processed = 0;
        long duplicates = 0;
        for (PartitionLag p : group.partitions()) {
            earliest = Math.min(earliest, p.commitTimestamp() + retentionMs);
            latest = Math.max(latest, p.commitTimestamp() + retentionMs);
            long from = Math.max(p.committedOffset(), p.logStartOffset());
            skipped += Math.max(0, p.logEndOffset() - from);
            processed += p.logEndOffset() - p.logStartOffset();
            duplicates += Math.min(from, p.logEndOffset()) - p.logStartOffset();
        }
        if (group.stateTimestamp() >= 0) {
            earliest = latest = group.stateTimestamp() + retentionMs;
        } else if (group.partitions().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ExpiryForecast(earliest, latest, skipped, processed, duplicates));
    }
}
