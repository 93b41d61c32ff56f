package dev.nagare.broker.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

import dev.nagare.storage.Log;
import dev.nagare.storage.LogReadInfo;
import dev.nagare.storage.LogSlice;

/**
 * One page of a partition's records, as {@code GET /api/v1/topics/{name}/partitions/{p}/records} shows them to a
 * person browsing: decoded record by record, which the fetch path never does. Batches are read from the log a
 * {@value #READ_BYTES}-byte slice at a time (the first batch whole, however large: {@code max.message.bytes} bounds
 * it) and decompressed by kafka-clients as they are iterated.
 *
 * <p>Where a page ends: after {@code limit} records, at the high watermark the first read saw, or before the record
 * that would take the page's key, value and header bytes past {@code maxBytes} (the first record always goes in;
 * any field longer than {@code maxBytes} is cut to that, see {@link Bytes}). Control batches (transaction markers)
 * are skipped, as consumers skip them. Immutable.
 *
 * @param topic          the topic
 * @param partition      the partition
 * @param logStartOffset the partition's log start offset when the page was read
 * @param highWatermark  its high watermark then; no record at or above it is shown
 * @param offset         the offset asked for
 * @param nextOffset     where the next page starts: after the last record shown, past any gap (compaction,
 *                       control batches) that ends the page; equals {@code highWatermark} once everything is read
 * @param records        the records from {@code offset} on, in offset order
 */
record RecordPage(String topic, int partition, long logStartOffset, long highWatermark, long offset,
                  long nextOffset, List<RecordView> records) {

    /** Records in a page when the request names no limit. */
    static final int DEFAULT_LIMIT = 50;
    /** The most records in a page: a larger limit is lowered to this. */
    static final int MAX_LIMIT = 500;
    /** The most key, value and header bytes in a page (and in any one field): a larger maxBytes is lowered to this. */
    static final int MAX_BYTES = 1 << 20;
    /** Bytes read from the log at once: a page of small records needs one read. */
    static final int READ_BYTES = 1 << 20;

    /**
     * One record.
     *
     * @param timestampType {@code CreateTime} or {@code LogAppendTime} (then {@code timestamp} is the broker's)
     * @param key           null for a null key
     * @param value         null for a null value (a tombstone)
     * @param headers       in the order the producer added them; a key may repeat
     */
    record RecordView(long offset, long timestamp, String timestampType, Bytes key, Bytes value,
                      List<HeaderView> headers) {
    }

    /** One header; {@code value} is null for a null value. */
    record HeaderView(String key, Bytes value) {
    }

    /**
     * A key, value or header value. {@code encoding} says how {@code data} holds the bytes: {@code "utf8"} when
     * they are valid UTF-8 with no control character but tab, line feed and carriage return ({@code data} is that
     * text), otherwise {@code "base64"} (standard alphabet, padded). {@code size} is the field's length in bytes;
     * {@code truncated} says that {@code data} holds only its first bytes (at most the page's maxBytes; text is cut
     * at a character boundary).
     */
    record Bytes(String encoding, String data, int size, boolean truncated) {

        static Bytes of(ByteBuffer buffer, int maxBytes) {
            if (buffer == null) {
                return null;
            }
            int size = buffer.remaining();
            byte[] bytes = new byte[Math.min(size, maxBytes)];
            buffer.duplicate().get(bytes);
            boolean truncated = bytes.length < size;
            String text = printableText(bytes, truncated);
            return text != null ? new Bytes("utf8", text, size, truncated)
                    : new Bytes("base64", Base64.getEncoder().encodeToString(bytes), size, truncated);
        }

        /** The bytes as text if they are printable UTF-8, else null; a cut field may end inside a character. */
        static String printableText(byte[] bytes, boolean cut) {
            CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder(); // reports malformed input
            CharBuffer chars = CharBuffer.allocate(bytes.length);
            if (decoder.decode(ByteBuffer.wrap(bytes), chars, !cut).isError()) {
                return null;
            }
            chars.flip();
            for (int i = 0; i < chars.length(); i++) {
                char c = chars.charAt(i);
                if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') {
                    return null;
                }
            }
            return chars.toString();
        }
    }

    /**
     * Reads a page from {@code log}, from the batch holding {@code offset}, skipping the records below it.
     *
     * @throws OffsetOutOfRangeException {@code offset} is below the log start or above the high watermark
     * @throws KafkaStorageException     an I/O error
     */
    static RecordPage read(TopicPartition tp, Log log, long offset, int limit, int maxBytes) {
        LogReadInfo info = log.read(offset, READ_BYTES, true);
        long logStartOffset = info.logStartOffset();
        long highWatermark = info.highWatermark();
        List<RecordView> records = new ArrayList<>();
        long next = offset;
        long bytes = 0;
        ByteBuffer buffer = null;
        try {
            page:
            while (info.slice().size() > 0) {
                LogSlice slice = info.slice();
                buffer = slice.copy(buffer);
                long before = next;
                for (MutableRecordBatch batch : MemoryRecords.readableRecords(buffer).batches()) {
                    if (!batch.isControlBatch()) {
                        try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
                            while (it.hasNext()) {
                                Record r = it.next();
                                if (r.offset() < offset) {
                                    continue;
                                }
                                long size = sizeOf(r);
                                if (r.offset() >= highWatermark || records.size() == limit
                                        || (!records.isEmpty() && bytes + size > maxBytes)) {
                                    break page;
                                }
                                records.add(view(r, batch, maxBytes));
                                bytes += size;
                                next = r.offset() + 1;
                            }
                        }
                    }
                    next = Math.max(next, Math.min(batch.nextOffset(), highWatermark));
                }
                if (next == before || next >= highWatermark || records.size() == limit || bytes >= maxBytes) {
                    break;
                }
                try {
                    info = log.read(next, READ_BYTES, true);
                } catch (OffsetOutOfRangeException e) {
                    break; // retention passed the page meanwhile: the next request says so
                }
            }
        } catch (IOException e) {
            throw new KafkaStorageException("Read of " + tp + " failed", e);
        }
        return new RecordPage(tp.topic(), tp.partition(), logStartOffset, highWatermark, offset, next,
                records);
    }

    private static RecordView view(Record r, MutableRecordBatch batch, int maxBytes) {
        Header[] headers = r.headers();
        List<HeaderView> hs = new ArrayList<>(headers.length);
        for (Header h : headers) {
            hs.add(new HeaderView(h.key(), h.value() == null ? null : Bytes.of(ByteBuffer.wrap(h.value()), maxBytes)));
        }
        return new RecordView(r.offset(), r.timestamp(), batch.timestampType().name,
                Bytes.of(r.key(), maxBytes), Bytes.of(r.value(), maxBytes), hs);
    }

    /** The bytes a record adds to a page: key, value, header keys and values. */
    private static long sizeOf(Record r) {
        long size = Math.max(r.keySize(), 0) + Math.max(r.valueSize(), 0);
        for (Header h : r.headers()) {
            size += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }
}
