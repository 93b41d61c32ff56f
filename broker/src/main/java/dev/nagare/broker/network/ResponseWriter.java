package dev.nagare.broker.network;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

import dev.nagare.storage.LogSlice;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * Serializes a response as Kafka frames it — {@code int32 size, response header, message} — into one pooled
 * buffer, except for record data held in files ({@link FileSliceRecords}), which is written as file regions in its
 * place:
 *
 * <pre>
 *   [size|header|fields…|records len] [file region] [fields…|records len] [file region] [fields…]
 *    └──────── buffer slice ────────┘               └──── buffer slice ───┘
 * </pre>
 *
 * <p>Stateless; called on the connection's event loop.
 */
final class ResponseWriter {

    private ResponseWriter() {
    }

    static void write(ChannelHandlerContext ctx, RequestHeader requestHeader, ApiMessage message) {
        short version = requestHeader.apiVersion();
        ResponseHeader header = new ResponseHeader(requestHeader.correlationId(),
                requestHeader.apiKey().responseHeaderVersion(version));
        ObjectSerializationCache cache = new ObjectSerializationCache();
        MessageSizeAccumulator size = new MessageSizeAccumulator();
        header.data().addSize(size, cache, header.headerVersion());
        message.addSize(size, cache, version);
        int heapBytes = 4 + size.sizeExcludingZeroCopy();
        ByteBuf buf = ctx.alloc().directBuffer(heapBytes);
        try {
            ByteBuffer nio = buf.nioBuffer(0, heapBytes);
            SplittingAccessor out = new SplittingAccessor(nio);
            out.writeInt(size.totalSize());
            header.data().write(out, cache, header.headerVersion());
            message.write(out, cache, version);
            if (nio.position() != heapBytes) {
                throw new IllegalStateException("Serialized " + nio.position() + " bytes, expected " + heapBytes);
            }
            buf.writerIndex(heapBytes);
            int from = 0;
            for (Split split : out.splits) {
                ctx.write(buf.retainedSlice(from, split.bufferPosition - from));
                LogSlice s = split.slice;
                ctx.write(new SharedFileRegion(s.channel(), s.position(), s.size()));
                from = split.bufferPosition;
            }
            if (heapBytes > from) {
                ctx.write(buf.retainedSlice(from, heapBytes - from));
            }
        } finally {
            buf.release();
        }
    }

    private record Split(int bufferPosition, LogSlice slice) {
    }

    /** Writes into a buffer; records held in files become split points instead of bytes. */
    private static final class SplittingAccessor extends ByteBufferAccessor {
        private final ByteBuffer buffer;
        private final List<Split> splits = new ArrayList<>(2);

        SplittingAccessor(ByteBuffer buffer) {
            super(buffer);
            this.buffer = buffer;
        }

        @Override
        public void writeRecords(BaseRecords records) {
            if (records instanceof FileSliceRecords file) {
                if (file.sizeInBytes() > 0) {
                    splits.add(new Split(buffer.position(), file.slice()));
                }
            } else {
                super.writeRecords(records);
            }
        }
    }
}
