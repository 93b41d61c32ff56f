package dev.nagare.storage;

/**
 * The answer to {@link Log#read}: the batches and the partition's offsets at the time of the read.
 *
 * @param slice          the batches; {@link LogSlice#EMPTY} when there is nothing at or after the offset yet
 * @param highWatermark  the high watermark when the read was made
 * @param logStartOffset the log start offset when the read was made
 * @param logEndOffset   the log end offset when the read was made
 */
public record LogReadInfo(LogSlice slice, long highWatermark, long logStartOffset, long logEndOffset) {
}
