package dev.nagare.storage;

/**
 * A record's offset and timestamp, the answer to a ListOffsets lookup.
 *
 * @param timestamp   the record's timestamp, or -1 where the lookup has none (earliest, latest)
 * @param offset      the offset
 * @param leaderEpoch the partition leader epoch of the batch holding it, or -1
 */
public record TimestampAndOffset(long timestamp, long offset, int leaderEpoch) {
}
