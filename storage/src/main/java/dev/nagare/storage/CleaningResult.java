package dev.nagare.storage;

import org.apache.kafka.common.TopicPartition;

/**
 * What one cleaning of one compacted log did ({@link LogManager#runCleaner()}).
 *
 * @param topicPartition    the log
 * @param firstDirtyOffset  where the uncompacted part started before this cleaning
 * @param cleanedUpTo       where it starts now: every record below this offset was compared with the newest record
 *                          of its key below this offset
 * @param segmentsRead      segments read and filtered (every segment below {@code cleanedUpTo})
 * @param segmentsWritten   new segments swapped in for them: a group of small segments becomes one; a segment that
 *                          lost nothing stays as it is and an emptied one that does not start the log is just deleted,
 *                          neither counting here
 * @param recordsRead       records in the segments read
 * @param recordsKept       records of those that are still in the log
 * @param bytesRead         bytes of the segments read
 * @param bytesWritten      bytes of the new segments
 */
public record CleaningResult(TopicPartition topicPartition, long firstDirtyOffset, long cleanedUpTo,
                             int segmentsRead, int segmentsWritten, long recordsRead, long recordsKept, long bytesRead,
                             long bytesWritten) {
}
