package dev.nagare.storage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;

/**
 * The idempotent producers of one partition: per producer id, the latest epoch and the metadata of its last
 * {@value #MAX_BATCHES} batches, to detect retries (duplicates), sequence gaps and stale epochs.
 *
 * <p>Rules (Kafka's): a batch with the producer's current epoch and the same first and last sequence as one of the
 * remembered batches is a duplicate; an older epoch is fenced ({@link InvalidProducerEpochException}); the same
 * epoch must continue the sequence ({@code firstSeq == lastSeq + 1}, wrapping from {@code Integer.MAX_VALUE} to 0),
 * else {@link OutOfOrderSequenceException}; a newer epoch must start at sequence 0. A producer this partition does
 * not know is accepted at any epoch and sequence (its state may have been lost to retention or expiry).
 *
 * <p>Threads: {@link #check}, {@link #apply} and {@link #replay} under the owning log's lock; {@link #producers()} and
 * {@link #snapshot()} from any thread (immutable values in a concurrent map).
 */
final class ProducerStateTable {
    static final int MAX_BATCHES = 5;

    /** One remembered batch. */
    record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long timestamp) {
    }

    /** One producer's state; immutable, replaced on each batch. Batches oldest first. */
    record ProducerState(long producerId, short epoch, List<BatchMetadata> batches) {
        BatchMetadata last() {
            return batches.isEmpty() ? null : batches.get(batches.size() - 1);
        }

        ProducerState with(short newEpoch, BatchMetadata batch) {
            List<BatchMetadata> list = new ArrayList<>(MAX_BATCHES);
            if (newEpoch == epoch) {
                list.addAll(batches);
            }
            list.add(batch);
            while (list.size() > MAX_BATCHES) {
                list.remove(0);
            }
            return new ProducerState(producerId, newEpoch, List.copyOf(list));
        }
    }

    private final ConcurrentHashMap<Long, ProducerState> producers = new ConcurrentHashMap<>();

    /** The changes of one append, checked batch by batch and applied after the write. Log lock only. */
    final class Pending {
        private final Map<Long, ProducerState> changed = new HashMap<>();

        private ProducerState current(long producerId) {
            ProducerState s = changed.get(producerId);
            return s != null ? s : producers.get(producerId);
        }

        /**
         * Checks one batch against the state including earlier batches of the same append.
         *
         * @return the original batch when this one is a duplicate, else null
         */
        BatchMetadata check(long producerId, short epoch, int firstSeq, int lastSeq) {
            ProducerState cur = current(producerId);
            if (cur == null) {
                return null;
            }
            if (epoch < cur.epoch()) {
                throw new InvalidProducerEpochException("Producer " + producerId + " epoch " + epoch
                        + " is older than the current epoch " + cur.epoch());
            }
            if (epoch > cur.epoch()) {
                if (firstSeq != 0) {
                    throw new OutOfOrderSequenceException("Producer " + producerId + " new epoch " + epoch
                            + " must start at sequence 0, got " + firstSeq);
                }
                return null;
            }
            for (BatchMetadata m : cur.batches()) {
                if (m.firstSeq() == firstSeq && m.lastSeq() == lastSeq) {
                    return m;
                }
            }
            BatchMetadata last = cur.last();
            if (last != null) {
                int expected = last.lastSeq() == Integer.MAX_VALUE ? 0 : last.lastSeq() + 1;
                if (firstSeq != expected) {
                    throw new OutOfOrderSequenceException("Producer " + producerId + " epoch " + epoch
                            + ": expected sequence " + expected + ", got " + firstSeq);
                }
            }
            return null;
        }

        /** Records a batch that will be written with these offsets. */
        void add(long producerId, short epoch, BatchMetadata batch) {
            ProducerState cur = current(producerId);
            changed.put(producerId, cur == null
                    ? new ProducerState(producerId, epoch, List.of(batch))
                    : cur.with(epoch, batch));
        }
    }

    Pending begin() {
        return new Pending();
    }

    /** Applies a pending set once its batches are written. Log lock only. */
    void apply(Pending pending) {
        producers.putAll(pending.changed);
    }

    /** Rebuilds state from a stored batch header, without checks (recovery). Loading or log lock only. */
    void replay(BatchHeader h) {
        if (h.producerId() < 0) {
            return;
        }
        BatchMetadata m = new BatchMetadata(h.baseSequence(), h.lastSequence(), h.baseOffset(), h.lastOffset(),
                h.maxTimestamp());
        ProducerState cur = producers.get(h.producerId());
        producers.put(h.producerId(), cur == null || h.producerEpoch() > cur.epoch()
                ? new ProducerState(h.producerId(), h.producerEpoch(), List.of(m))
                : cur.with(cur.epoch(), m));
    }

    /** Replaces everything with a snapshot's contents. Loading only. */
    void load(Collection<ProducerState> states) {
        producers.clear();
        for (ProducerState s : states) {
            producers.put(s.producerId(), s);
        }
    }

    Collection<ProducerState> snapshot() {
        return List.copyOf(producers.values());
    }

    List<ProducerStateEntry> producers() {
        List<ProducerStateEntry> out = new ArrayList<>();
        for (ProducerState s : producers.values()) {
            BatchMetadata last = s.last();
            out.add(new ProducerStateEntry(s.producerId(), s.epoch(), last == null ? -1 : last.lastSeq(),
                    last == null ? -1 : last.timestamp(), last == null ? -1 : last.lastOffset()));
        }
        out.sort((a, b) -> Long.compare(a.producerId(), b.producerId()));
        return out;
    }
}
