package dev.nagare.broker.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import dev.nagare.broker.partition.Partition;

/**
 * Incremental fetch sessions (KIP-227). A session remembers, per partition, what the client fetches (offset, max
 * bytes) and what it was last told (high watermark, log start offset), so an incremental request names only what
 * changed and its response carries only partitions with news: records, an error, or moved offsets. Idle partitions
 * then cost a consumer nothing per fetch.
 *
 * <p>At most {@code max.incremental.fetch.session.cache.slots} sessions; when full, the least recently used session
 * idle for longer than {@value #EVICTABLE_AFTER_MS} ms makes room, else the client gets no session (sessionId 0) and
 * fetches in full.
 *
 * <p>An incremental fetch reads only what may have news: the partitions its request names, those changed since the
 * last read ({@link Session#changed}: each session partition has an append listener on its partition), and those the
 * last read left unfinished (behind their end, or failing); once a second, all of them, which also catches log
 * starts moved by retention. So a session's idle partitions cost a fetch nothing, and an append costs each session
 * that holds its partition a flag and a queue entry.
 *
 * <p>Thread-safe: the cache is guarded by its monitor; each {@link Session} by its own monitor, except
 * {@link Session#changed} and {@link Session#waiter}, which appending threads touch.
 */
final class FetchSessions {

    static final long EVICTABLE_AFTER_MS = 120_000;

    /** A partition of a session, keyed by topic id (v13+) or by name (older), and what the client was last told. */
    static final class CachedPartition {
        final Uuid topicId;
        final String topic;
        final int partition;
        long fetchOffset;
        int maxBytes;
        int currentLeaderEpoch;
        long sentHighWatermark = -1;
        long sentLogStartOffset = -1;
        /**
         * The partition this entry was last found to be and the topic's name, kept while its log stays open: a
         * session's idle partitions are then not looked up again on every fetch (with 2,000 partitions per session,
         * the lookups were a quarter of the broker's CPU: async-profiler, 2026-12-03).
         */
        Partition resolved;
        String resolvedName;
        /** Set while this entry is in its session's {@link Session#changed} queue. */
        final AtomicBoolean queued = new AtomicBoolean();
        /** On {@link #resolved}'s append listeners while this entry is in a session; null otherwise. */
        Runnable listener;
        /** Removed from its session (a forgotten topic): a response must not name it again. */
        volatile boolean forgotten;

        CachedPartition(Uuid topicId, String topic, int partition) {
            this.topicId = topicId;
            this.topic = topic;
            this.partition = partition;
        }

        /** Whether an incremental response must carry this partition, recording what it will say. */
        boolean mustRespond(boolean hasRecords, boolean hasError, long highWatermark, long logStartOffset) {
            boolean changed = hasRecords || hasError || highWatermark != sentHighWatermark
                    || logStartOffset != sentLogStartOffset;
            sentHighWatermark = highWatermark;
            sentLogStartOffset = logStartOffset;
            return changed;
        }
    }

    /** The key of a session partition. */
    record Key(Uuid topicId, String topic, int partition) {
        // Written out: a record's generated equals and hashCode go through ObjectMethods' method handles (linked on
        // first use, then a chain of handles until C2 inlines it); in a consume profile (async-profiler) the key's
        // hashing was 15 % of the fetch handler's own samples, since every fetch looks up and moves each partition.
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && partition == k.partition && topicId.equals(k.topicId)
                    && Objects.equals(topic, k.topic);
        }

        @Override
        public int hashCode() {
            return (31 * topicId.hashCode() + (topic == null ? 0 : topic.hashCode())) * 31 + partition;
        }
    }

    /** One client's session; guarded by its own monitor. */
    static final class Session {
        final int id;
        final boolean usesTopicIds;
        int nextEpoch = 1;
        long lastUsedMs;
        final LinkedHashMap<Key, CachedPartition> partitions = new LinkedHashMap<>();
        /** Partitions appended to (or deleted, or trimmed by DeleteRecords) since a read took them. */
        final ConcurrentLinkedQueue<CachedPartition> changed = new ConcurrentLinkedQueue<>();
        /** What the last read left to do: partitions behind their end that returned nothing, or failed. */
        final Set<CachedPartition> unfinished = Collections.newSetFromMap(new IdentityHashMap<>());
        /** When every partition was last read (System.nanoTime). */
        long lastFullRead;
        /** A delayed fetch of this session waiting for a change, or null. */
        volatile Runnable waiter;
        private boolean closed;

        Session(int id, boolean usesTopicIds, long now) {
            this.id = id;
            this.usesTopicIds = usesTopicIds;
            this.lastUsedMs = now;
        }

        /** Moves a partition that just returned data to the end, so the others are served first next time. */
        void moveToEnd(CachedPartition p) {
            Key key = new Key(p.topicId, p.topic, p.partition);
            partitions.remove(key);
            partitions.put(key, p);
        }

        /**
         * The partitions an incremental fetch reads: all of them once {@value #FULL_READ_NANOS} ns have passed since
         * the last full read, else {@code named} (the request's), the unfinished ones and the changed ones. Each is
         * added to {@code seen} too (empty when called), which the fetch keeps to add later changes only once.
         */
        List<CachedPartition> incrementalTargets(List<CachedPartition> named, long now, Set<CachedPartition> seen) {
            List<CachedPartition> out = new ArrayList<>();
            if (now - lastFullRead >= FULL_READ_NANOS) {
                lastFullRead = now;
                changed.clear();
                for (CachedPartition p : partitions.values()) {
                    p.queued.set(false);
                    addNew(p, seen, out);
                }
                return out;
            }
            for (CachedPartition p : named) {
                addNew(p, seen, out);
            }
            for (CachedPartition p : unfinished) {
                addNew(p, seen, out);
            }
            drainChanged(seen, out);
            return out;
        }

        /** Moves the changed partitions not in {@code seen} to {@code out}. Any thread that reads for the session. */
        void drainChanged(Set<CachedPartition> seen, List<CachedPartition> out) {
            for (CachedPartition p; (p = changed.poll()) != null; ) {
                p.queued.set(false);
                // the Java client drops a session whose incremental response names a partition it does not hold
                if (!p.forgotten) {
                    addNew(p, seen, out);
                }
            }
        }

        private static void addNew(CachedPartition p, Set<CachedPartition> seen, List<CachedPartition> out) {
            if (seen.add(p)) {
                out.add(p);
            }
        }

        /**
         * Starts listening to {@code p}'s partition ({@link CachedPartition#resolved}); not once the session is
         * closed (a read that was running when it was removed).
         */
        synchronized void watch(CachedPartition p) {
            if (closed) {
                return;
            }
            Runnable listener = () -> {
                if (p.queued.compareAndSet(false, true)) {
                    changed.add(p);
                }
                Runnable w = waiter;
                if (w != null) {
                    w.run();
                }
            };
            p.listener = listener;
            p.resolved.addAppendListener(listener);
        }

        /** Stops listening to {@code p}'s partition. */
        synchronized void unwatch(CachedPartition p) {
            Runnable listener = p.listener;
            if (listener != null && p.resolved != null) {
                p.resolved.removeAppendListener(listener);
            }
            p.listener = null;
        }

        /** Stops listening to every partition: the session is gone. */
        synchronized void close() {
            closed = true;
            for (CachedPartition p : partitions.values()) {
                unwatch(p);
            }
        }
    }

    /** How often an incremental fetch reads every partition of its session (to see log starts moved by retention). */
    static final long FULL_READ_NANOS = 1_000_000_000L;

    private final int maxSlots;
    private final Time time;
    private final LinkedHashMap<Integer, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);

    FetchSessions(int maxSlots, Time time) {
        this.maxSlots = maxSlots;
        this.time = time;
    }

    /** Creates a session, evicting a stale one if needed; null when there is no room. */
    synchronized Session create(boolean usesTopicIds) {
        long now = time.milliseconds();
        if (maxSlots <= 0) {
            return null;
        }
        if (sessions.size() >= maxSlots) {
            Iterator<Session> lru = sessions.values().iterator();
            Session oldest = lru.next();
            if (now - oldest.lastUsedMs < EVICTABLE_AFTER_MS) {
                return null;
            }
            lru.remove();
            oldest.close();
        }
        int id;
        do {
            id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        } while (sessions.containsKey(id));
        Session session = new Session(id, usesTopicIds, now);
        sessions.put(id, session);
        return session;
    }

    synchronized Session get(int id) {
        Session s = sessions.get(id);
        if (s != null) {
            s.lastUsedMs = time.milliseconds();
        }
        return s;
    }

    synchronized void remove(int id) {
        Session s = sessions.remove(id);
        if (s != null) {
            s.close();
        }
    }

    synchronized int size() {
        return sessions.size();
    }

    /** The epoch after {@code epoch}, wrapping past Integer.MAX_VALUE to 1 as the protocol defines. */
    static int nextEpoch(int epoch) {
        return epoch == Integer.MAX_VALUE ? 1 : epoch + 1;
    }
}
