package dev.nagare.storage;

/**
 * What an append did.
 *
 * @param firstOffset    offset of the first record of the first batch appended (or of the original, for a duplicate)
 * @param lastOffset     offset of the last record appended
 * @param logAppendTime  the broker time stamped into the batches for LOG_APPEND_TIME logs, else -1
 * @param logStartOffset the log start offset after the append
 * @param duplicate      true when the batch was a retry of one already stored (idempotent producer); nothing was written
 */
public record AppendResult(long firstOffset, long lastOffset, long logAppendTime, long logStartOffset, boolean duplicate) {
}
