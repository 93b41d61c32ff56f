package dev.nagare.broker.partition;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.record.MemoryRecords;

import dev.nagare.storage.AppendResult;
import dev.nagare.storage.Log;

/**
 * One partition this node leads. Appends go to the log (serialized there, per partition); after each append that
 * wrote something, every fetch waiting on this partition is told, on the appending thread, so it can complete at
 * once — the wake-up is the append itself.
 *
 * <p>Thread-safe: the log serializes appends; waiters are a concurrent set.
 */
public final class Partition {

    /** A single node is the only leader a partition ever has: its epoch never changes. */
    public static final int LEADER_EPOCH = 0;

    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final Log log;
    private final Set<Runnable> appendListeners = ConcurrentHashMap.newKeySet();

    Partition(TopicPartition topicPartition, Uuid topicId, Log log) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.log = log;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Uuid topicId() {
        return topicId;
    }

    public Log log() {
        return log;
    }

    /** Appends one produce request's batches for this partition and wakes waiting fetches. */
    public AppendResult append(MemoryRecords records) {
        AppendResult result = log.append(records, LEADER_EPOCH);
        if (!result.duplicate()) {
            changed();
        }
        return result;
    }

    /**
     * Checks the leader epoch a client believes current (-1: no check), as Fetch, ListOffsets and
     * OffsetForLeaderEpoch do.
     *
     * @throws UnknownLeaderEpochException newer than ours: the client knows of a leader we do not
     * @throws FencedLeaderEpochException  older than ours: the client's metadata is stale
     */
    public static void checkLeaderEpoch(int currentLeaderEpoch) {
        if (currentLeaderEpoch > LEADER_EPOCH) {
            throw new UnknownLeaderEpochException("Leader epoch " + currentLeaderEpoch + " is newer than ours");
        }
        if (currentLeaderEpoch >= 0 && currentLeaderEpoch < LEADER_EPOCH) {
            throw new FencedLeaderEpochException("Leader epoch " + currentLeaderEpoch + " is older than ours");
        }
    }

    /** Runs the append listeners: after an append, or when the log start moved or the log was deleted. */
    public void changed() {
        for (Runnable listener : appendListeners) {
            listener.run();
        }
    }

    /** Registers a callback run after each append (and on {@link #changed}); it must be cheap and must not block. */
    public void addAppendListener(Runnable listener) {
        appendListeners.add(listener);
    }

    public void removeAppendListener(Runnable listener) {
        appendListeners.remove(listener);
    }

    @Override
    public String toString() {
        return topicPartition.toString();
    }
}
