package dev.nagare.broker.network;

import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.RecordsSend;

import dev.nagare.storage.LogSlice;

/**
 * Record data of a fetch response that stays in its segment file: the response writer sends it with sendfile
 * instead of copying it through the heap. Only {@link ResponseWriter} can write it.
 */
public final class FileSliceRecords implements BaseRecords {

    private final LogSlice slice;

    public FileSliceRecords(LogSlice slice) {
        this.slice = slice;
    }

    public LogSlice slice() {
        return slice;
    }

    @Override
    public int sizeInBytes() {
        return slice.size();
    }

    @Override
    public RecordsSend<? extends BaseRecords> toSend() {
        throw new UnsupportedOperationException("File slices are written by ResponseWriter as file regions");
    }

    @Override
    public String toString() {
        return "FileSliceRecords(position=" + slice.position() + ", size=" + slice.size() + ")";
    }
}
