package dev.nagare.broker.api;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

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
 * <p>Thread-safe: the cache is guarded by its monitor; each {@link Session} by its own monitor.
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

        List<CachedPartition> snapshot() {
            return new ArrayList<>(partitions.values());
        }
    }

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
        sessions.remove(id);
    }

    synchronized int size() {
        return sessions.size();
    }

    /** The epoch after {@code epoch}, wrapping past Integer.MAX_VALUE to 1 as the protocol defines. */
    static int nextEpoch(int epoch) {
        return epoch == Integer.MAX_VALUE ? 1 : epoch + 1;
    }
}
