package dev.nagare.broker.group;

/**
 * A committed offset as the coordinator keeps it. Immutable.
 *
 * @param offset          the next offset the group will read
 * @param leaderEpoch     the leader epoch of the record before {@code offset}, or -1
 * @param metadata        the client's metadata string (never null; "" when none)
 * @param commitTimestamp the broker time of the commit, ms
 */
public record OffsetAndMetadata(long offset, int leaderEpoch, String metadata, long commitTimestamp) {

    public OffsetAndMetadata {
        metadata = metadata == null ? "" : metadata;
    }
}
