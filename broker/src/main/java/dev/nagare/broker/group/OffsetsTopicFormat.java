package dev.nagare.broker.group;

import java.nio.ByteBuffer;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.coordinator.group.generated.GroupMetadataKey;
import org.apache.kafka.coordinator.group.generated.GroupMetadataValue;
import org.apache.kafka.coordinator.group.generated.OffsetCommitKey;
import org.apache.kafka.coordinator.group.generated.OffsetCommitValue;

/**
 * The bytes of {@code __consumer_offsets} records, in Kafka 4.1's schemas, so that Kafka's
 * {@code OffsetsMessageFormatter} and {@code GroupMetadataMessageFormatter} decode what Nagare writes.
 *
 * <p>Every key and every value starts with a big-endian int16; the rest is the message in Kafka's encoding for
 * that version. Classic (v0–v3): strings are int16 length + UTF-8, nullable strings length -1 for null, byte arrays
 * int32 length + bytes, arrays int32 count + elements. Flexible (v4): strings and arrays carry an unsigned varint of
 * length + 1, and each structure ends with its tagged fields (a varint count, 0 when none).
 * <pre>
 * key:   int16 type                      1 = offset commit (0 is the legacy name of the same), 2 = group metadata
 *        type 0/1: OffsetCommitKey v0    group string, topic string, partition int32
 *        type 2:   GroupMetadataKey v0   group string
 * value: int16 version, then             (absent: a tombstone)
 *        OffsetCommitValue v4            offset int64, leaderEpoch int32, metadata compact string,
 *                                        commitTimestamp int64, tagged fields (tag 0: topic id, not written)
 *        GroupMetadataValue v3           protocolType string, generation int32, protocol nullable string,
 *                                        leader nullable string, currentStateTimestamp int64,
 *                                        members [memberId string, groupInstanceId nullable string,
 *                                        clientId string, clientHost string, rebalanceTimeout int32,
 *                                        sessionTimeout int32, subscription bytes, assignment bytes]
 * </pre>
 * These are the versions Kafka 4.1 writes (read off a Kafka 4.1 broker's {@code __consumer_offsets}); values of
 * every version v0–v4 are read. Keys of other record types (KIP-848 consumer groups, share and streams groups) are
 * skipped: Nagare does not write them.
 *
 * <p>Stateless; thread-safe.
 */
public final class OffsetsTopicFormat {

    static final short OFFSET_COMMIT_TYPE = 1;
    static final short LEGACY_OFFSET_COMMIT_TYPE = 0;
    static final short GROUP_METADATA_TYPE = 2;
    static final short OFFSET_COMMIT_VALUE_VERSION = 4;
    static final short GROUP_METADATA_VALUE_VERSION = 3;

    private OffsetsTopicFormat() {
    }

    public static byte[] key(CoordinatorRecord record) {
        if (record instanceof CoordinatorRecord.OffsetCommit c) {
            return prefixed(OFFSET_COMMIT_TYPE, (short) 0, new OffsetCommitKey().setGroup(c.group())
                    .setTopic(c.partition().topic()).setPartition(c.partition().partition()));
        }
        return prefixed(GROUP_METADATA_TYPE, (short) 0, new GroupMetadataKey().setGroup(record.group()));
    }

    /** The value bytes, or null for a tombstone. */
    public static byte[] value(CoordinatorRecord record) {
        if (record instanceof CoordinatorRecord.OffsetCommit c) {
            if (c.offset() == null) {
                return null;
            }
            OffsetAndMetadata o = c.offset();
            return prefixed(OFFSET_COMMIT_VALUE_VERSION, OFFSET_COMMIT_VALUE_VERSION, new OffsetCommitValue()
                    .setOffset(o.offset()).setLeaderEpoch(o.leaderEpoch()).setMetadata(o.metadata())
                    .setCommitTimestamp(o.commitTimestamp()));
        }
        GroupMetadataValue v = ((CoordinatorRecord.GroupMetadata) record).value();
        return v == null ? null : prefixed(GROUP_METADATA_VALUE_VERSION, GROUP_METADATA_VALUE_VERSION, v);
    }

    /**
     * Decodes one stored record; null for a record type Nagare does not keep.
     *
     * @throws IllegalStateException bytes that do not follow the schema
     */
    public static CoordinatorRecord decode(Record record) {
        if (!record.hasKey()) {
            throw new IllegalStateException("A __consumer_offsets record without a key at offset " + record.offset());
        }
        ByteBuffer key = record.key();
        short type = key.getShort();
        ByteBuffer value = record.hasValue() ? record.value() : null;
        switch (type) {
            case LEGACY_OFFSET_COMMIT_TYPE, OFFSET_COMMIT_TYPE -> {
                OffsetCommitKey k = new OffsetCommitKey(new ByteBufferAccessor(key), (short) 0);
                TopicPartition tp = new TopicPartition(k.topic(), k.partition());
                if (value == null) {
                    return new CoordinatorRecord.OffsetCommit(k.group(), tp, null);
                }
                short version = value.getShort();
                OffsetCommitValue v = new OffsetCommitValue(new ByteBufferAccessor(value), version);
                return new CoordinatorRecord.OffsetCommit(k.group(), tp,
                        new OffsetAndMetadata(v.offset(), v.leaderEpoch(), v.metadata(), v.commitTimestamp()));
            }
            case GROUP_METADATA_TYPE -> {
                GroupMetadataKey k = new GroupMetadataKey(new ByteBufferAccessor(key), (short) 0);
                if (value == null) {
                    return new CoordinatorRecord.GroupMetadata(k.group(), null);
                }
                short version = value.getShort();
                return new CoordinatorRecord.GroupMetadata(k.group(),
                        new GroupMetadataValue(new ByteBufferAccessor(value), version));
            }
            default -> {
                return null;
            }
        }
    }

    private static byte[] prefixed(short prefix, short version, ApiMessage message) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = message.size(cache, version);
        ByteBuffer buffer = ByteBuffer.allocate(2 + size);
        buffer.putShort(prefix);
        message.write(new ByteBufferAccessor(buffer), cache, version);
        return buffer.array();
    }
}
