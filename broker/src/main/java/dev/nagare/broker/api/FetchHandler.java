package dev.nagare.broker.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nagare.broker.api.FetchSessions.CachedPartition;
import dev.nagare.broker.api.FetchSessions.Key;
import dev.nagare.broker.api.FetchSessions.Session;
import dev.nagare.broker.metadata.TopicInfo;
import dev.nagare.broker.network.ApiHandler;
import dev.nagare.broker.network.FileSliceRecords;
import dev.nagare.broker.network.Request;
import dev.nagare.broker.partition.Partition;
import dev.nagare.broker.partition.PartitionManager;
import dev.nagare.storage.LogReadInfo;

/**
 * Fetch: reads whole batches from each partition's log as file slices (sent with sendfile), within
 * {@code max.bytes} and each partition's limit — the first batch found is returned whole even when larger, as Kafka
 * does, so a consumer can always make progress. When less than {@code min.bytes} is there, the fetch waits (a
 * {@link DelayedFetch}) until an append brings enough or {@code max.wait.ms} passes. Fetch sessions (KIP-227) are
 * kept in {@link FetchSessions}.
 */
final class FetchHandler implements ApiHandler {

    private static final Logger log = LoggerFactory.getLogger(FetchHandler.class);

    private final TopicLookup lookup;
    private final FetchSessions sessions;
    private final int brokerMaxBytes;
    private final TopicTraffic traffic;

    FetchHandler(PartitionManager partitions, int maxSessions, int brokerMaxBytes, Time time, TopicTraffic traffic) {
        this.lookup = new TopicLookup(partitions);
        this.sessions = new FetchSessions(maxSessions, time);
        this.brokerMaxBytes = brokerMaxBytes;
        this.traffic = traffic;
    }

    @Override
    public void handle(Request request) {
        FetchRequestData data = request.data();
        short version = request.version();
        boolean byId = version >= 13;
        int sessionId = data.sessionId();
        int epoch = data.sessionEpoch();
        Session session = null;
        List<CachedPartition> targets;
        Set<CachedPartition> seen = null; // an incremental fetch's targets so far
        boolean nothingToWaitFor; // no partition at all: a waiting fetch would wait for nothing
        if (version < 7 || epoch == 0 || epoch == -1) {
            if (version >= 7 && sessionId != 0) {
                sessions.remove(sessionId);
            }
            targets = fromRequest(data, byId);
            nothingToWaitFor = targets.isEmpty();
            if (version >= 7 && epoch == 0) {
                session = sessions.create(byId);
                if (session != null) {
                    synchronized (session) {
                        for (CachedPartition p : targets) {
                            session.partitions.put(key(p), p);
                        }
                        session.lastFullRead = System.nanoTime();
                    }
                }
            }
        } else {
            session = sessions.get(sessionId);
            if (session == null) {
                request.respond(sessionError(Errors.FETCH_SESSION_ID_NOT_FOUND));
                return;
            }
            synchronized (session) {
                if (epoch != session.nextEpoch) {
                    request.respond(sessionError(Errors.INVALID_FETCH_SESSION_EPOCH));
                    return;
                }
                if (session.usesTopicIds != byId) {
                    request.respond(sessionError(Errors.FETCH_SESSION_TOPIC_ID_ERROR));
                    return;
                }
                List<CachedPartition> named = new ArrayList<>();
                for (CachedPartition p : fromRequest(data, byId)) {
                    CachedPartition cached = session.partitions.get(key(p));
                    if (cached == null) {
                        session.partitions.put(key(p), p);
                        named.add(p);
                    } else {
                        cached.fetchOffset = p.fetchOffset;
                        cached.maxBytes = p.maxBytes;
                        cached.currentLeaderEpoch = p.currentLeaderEpoch;
                        named.add(cached);
                    }
                }
                for (FetchRequestData.ForgottenTopic forgotten : data.forgottenTopicsData()) {
                    for (int partition : forgotten.partitions()) {
                        CachedPartition gone = session.partitions.remove(byId
                                ? new Key(forgotten.topicId(), null, partition)
                                : new Key(Uuid.ZERO_UUID, forgotten.topic(), partition));
                        if (gone != null) {
                            gone.forgotten = true;
                            session.unwatch(gone);
                            session.unfinished.remove(gone);
                        }
                    }
                }
                session.nextEpoch = FetchSessions.nextEpoch(epoch);
                seen = Collections.newSetFromMap(new IdentityHashMap<>());
                targets = session.incrementalTargets(named, System.nanoTime(), seen);
                nothingToWaitFor = session.partitions.isEmpty();
            }
        }
        FetchPlan plan = new FetchPlan(request, targets, seen, session, byId,
                Math.min(data.maxBytes(), brokerMaxBytes), data.isolationLevel());
        ReadResult first = plan.read();
        if (data.maxWaitMs() <= 0 || nothingToWaitFor || first.bytes >= data.minBytes() || first.anyError) {
            request.respond(plan.response(first));
        } else {
            new DelayedFetch(plan, first.watched, data.minBytes(), data.maxWaitMs()).start();
        }
    }

    private static Key key(CachedPartition p) {
        return new Key(p.topicId, p.topicId.equals(Uuid.ZERO_UUID) ? p.topic : null, p.partition);
    }

    private static List<CachedPartition> fromRequest(FetchRequestData data, boolean byId) {
        List<CachedPartition> out = new ArrayList<>();
        for (FetchRequestData.FetchTopic topic : data.topics()) {
            for (FetchRequestData.FetchPartition p : topic.partitions()) {
                CachedPartition c = new CachedPartition(byId ? topic.topicId() : Uuid.ZERO_UUID,
                        byId ? null : topic.topic(), p.partition());
                c.fetchOffset = p.fetchOffset();
                c.maxBytes = p.partitionMaxBytes();
                c.currentLeaderEpoch = p.currentLeaderEpoch();
                out.add(c);
            }
        }
        return out;
    }

    private static FetchResponseData sessionError(Errors error) {
        return new FetchResponseData().setErrorCode(error.code()).setSessionId(0);
    }

    /** What one partition read gave. */
    record PartitionRead(CachedPartition target, String topicName, Errors error, long highWatermark,
                         long logStartOffset, FileSliceRecords records) {
        int bytes() {
            return records == null ? 0 : records.sizeInBytes();
        }
    }

    /** One pass over the fetch's partitions. */
    record ReadResult(List<PartitionRead> reads, int bytes, boolean anyError, List<Partition> watched) {
    }

    /** A fetch request's partitions and limits, read once or — for a delayed fetch — again on each wake-up. */
    final class FetchPlan {
        final Request request;
        final List<CachedPartition> targets;
        final Session session;
        final boolean byId;
        final int maxBytes;
        final byte isolationLevel;
        /**
         * An incremental fetch of a session: it reads only the partitions that may have news ({@link
         * FetchSessions}), adds those that change while it waits, and waits on {@link Session#waiter}.
         */
        final boolean targeted;
        /** The targets so far, when targeted. */
        private final Set<CachedPartition> seen;

        /** {@code seen}: the targets of an incremental fetch of a session, as a set; null for any other fetch. */
        FetchPlan(Request request, List<CachedPartition> targets, Set<CachedPartition> seen, Session session,
                  boolean byId, int maxBytes, byte isolationLevel) {
            this.request = request;
            this.targets = targets;
            this.session = session;
            this.byId = byId;
            this.maxBytes = maxBytes;
            this.isolationLevel = isolationLevel;
            this.targeted = seen != null;
            this.seen = seen;
        }

        Request request() {
            return request;
        }

        ReadResult read() {
            if (targeted) {
                session.drainChanged(seen, targets);
            }
            List<PartitionRead> reads = new ArrayList<>(targets.size());
            List<Partition> watched = new ArrayList<>(targets.size());
            int remaining = maxBytes;
            int total = 0;
            boolean minOneBatch = true;
            boolean anyError = false;
            for (CachedPartition target : targets) {
                Partition partition = target.resolved;
                String name = target.resolvedName;
                try {
                    if (partition == null || partition.log().isClosed()) {
                        // first read, or the topic was deleted (and maybe created again) since: look it up
                        if (session != null) {
                            session.unwatch(target);
                        }
                        target.resolved = null;
                        Optional<TopicInfo> topic = lookup.topic(target.topic, target.topicId, byId);
                        name = topic.map(TopicInfo::name).orElse(target.topic);
                        partition = lookup.partition(topic, byId, target.partition);
                        target.resolved = partition;
                        target.resolvedName = name;
                        if (session != null) {
                            session.watch(target);
                        }
                    }
                    Partition.checkLeaderEpoch(target.currentLeaderEpoch);
                    if (!targeted) {
                        watched.add(partition);
                    }
                    long highWatermark = partition.log().highWatermark();
                    if (target.fetchOffset == highWatermark) {
                        // caught up: nothing to read
                        reads.add(new PartitionRead(target, name, Errors.NONE, highWatermark,
                                partition.log().logStartOffset(), null));
                        continue;
                    }
                    int limit = Math.max(0, Math.min(target.maxBytes, remaining));
                    LogReadInfo info = partition.log().read(target.fetchOffset, limit, minOneBatch);
                    int size = info.slice().size();
                    if (size > 0) {
                        minOneBatch = false;
                    }
                    remaining = Math.max(0, remaining - size);
                    total += size;
                    reads.add(new PartitionRead(target, name, Errors.NONE, info.highWatermark(), info.logStartOffset(),
                            size > 0 ? new FileSliceRecords(info.slice()) : null));
                } catch (RuntimeException e) {
                    Errors error = Errors.forException(e);
                    if (error == Errors.UNKNOWN_SERVER_ERROR) {
                        log.error("Unexpected error reading {}-{}", name, target.partition, e);
                    }
                    anyError = true;
                    reads.add(new PartitionRead(target, name, error, -1, -1, null));
                }
            }
            return new ReadResult(reads, total, anyError, watched);
        }

        FetchResponseData response(ReadResult result) {
            FetchResponseData response = new FetchResponseData()
                    .setSessionId(session == null ? 0 : session.id);
            if (session != null) {
                synchronized (session) {
                    build(response, result);
                }
            } else {
                build(response, result);
            }
            return response;
        }

        private void build(FetchResponseData response, ReadResult result) {
            FetchResponseData.FetchableTopicResponse current = null;
            for (PartitionRead read : result.reads) {
                CachedPartition target = read.target;
                boolean include = true;
                if (session != null) {
                    boolean must = target.mustRespond(read.bytes() > 0, read.error != Errors.NONE,
                            read.highWatermark, read.logStartOffset);
                    include = !targeted || must;
                    if (read.bytes() > 0) {
                        session.moveToEnd(target);
                    }
                    // left behind (nothing returned, within the limits of this response) or failing: read next time
                    if (read.error != Errors.NONE || read.bytes() == 0 && target.fetchOffset != read.highWatermark) {
                        session.unfinished.add(target);
                    } else {
                        session.unfinished.remove(target);
                    }
                }
                if (!include) {
                    continue;
                }
                if (read.bytes() > 0) {
                    traffic.fetched(read.topicName, read.bytes());
                }
                boolean sameTopic = current != null && (byId ? current.topicId().equals(target.topicId)
                        : current.topic().equals(read.topicName));
                if (!sameTopic) {
                    current = new FetchResponseData.FetchableTopicResponse();
                    if (byId) {
                        current.setTopicId(target.topicId);
                    } else {
                        current.setTopic(read.topicName);
                    }
                    response.responses().add(current);
                }
                current.partitions().add(new FetchResponseData.PartitionData()
                        .setPartitionIndex(target.partition)
                        .setErrorCode(read.error.code())
                        .setHighWatermark(read.highWatermark)
                        .setLastStableOffset(read.highWatermark)
                        .setLogStartOffset(read.logStartOffset)
                        .setAbortedTransactions(isolationLevel == 1 ? new ArrayList<>() : null)
                        .setPreferredReadReplica(-1)
                        .setRecords(read.records != null ? read.records : MemoryRecords.EMPTY));
            }
        }
    }
}
