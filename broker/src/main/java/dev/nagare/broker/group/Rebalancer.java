package dev.nagare.broker.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nagare.broker.group.ClassicGroup.State;

/**
 * The classic rebalance protocol: JoinGroup, SyncGroup, Heartbeat, LeaveGroup and the timeouts that drive them.
 *
 * <p>A rebalance: the first JoinGroup of a group (or a change of membership) moves it to {@code PreparingRebalance};
 * every member must send JoinGroup before the largest rebalance timeout of the members passes (from
 * {@code Empty}, the first round waits {@code group.initial.rebalance.delay.ms}, again while new members keep
 * arriving, up to the rebalance timeout). Then the generation is bumped, a protocol is voted, the leader receives
 * every member's subscription and the group waits in {@code CompletingRebalance} for the leader's SyncGroup; its
 * assignment is written as a group metadata record and handed to every member — {@code Stable}. Members that stop
 * heartbeating for their session timeout, or do not rejoin or sync within the rebalance timeout, are removed, and
 * the group rebalances again. Dynamic members joining with JoinGroup v4+ first get MEMBER_ID_REQUIRED with their
 * id (KIP-394); static members ({@code group.instance.id}, KIP-345) keep their assignment when they come back within
 * their session timeout: the new member id replaces the old one without a rebalance.
 *
 * <p>Not thread-safe; called only on the coordinator thread. Responses go to the callbacks, on that thread.
 */
final class Rebalancer {

    private static final Logger log = LoggerFactory.getLogger(Rebalancer.class);

    private final GroupStore store;

    Rebalancer(GroupStore store) {
        this.store = store;
    }

    // ---------------------------------------------------------------- JoinGroup

    void join(JoinGroupRequestData req, short version, String clientId, String clientHost,
              Consumer<JoinGroupResponseData> respond) {
        String groupId = req.groupId();
        String memberId = req.memberId() == null ? "" : req.memberId();
        if (groupId == null || groupId.isEmpty()) {
            respond.accept(GroupResponses.joinError(Errors.INVALID_GROUP_ID, memberId, version));
            return;
        }
        GroupSettings s = store.settings;
        if (req.sessionTimeoutMs() < s.minSessionTimeoutMs() || req.sessionTimeoutMs() > s.maxSessionTimeoutMs()) {
            respond.accept(GroupResponses.joinError(Errors.INVALID_SESSION_TIMEOUT, memberId, version));
            return;
        }
        Map<String, byte[]> protocols = GroupMember.protocolsOf(req.protocols());
        ClassicGroup g = store.get(groupId);
        if (g == null && !memberId.isEmpty()) {
            respond.accept(GroupResponses.joinError(Errors.UNKNOWN_MEMBER_ID, memberId, version));
            return;
        }
        if (g != null && g.is(State.DEAD)) {
            respond.accept(GroupResponses.joinError(Errors.COORDINATOR_NOT_AVAILABLE, memberId, version));
            return;
        }
        boolean supported = g == null
                ? req.protocolType() != null && !req.protocolType().isEmpty() && !protocols.isEmpty()
                : g.supports(req.protocolType(), protocols.keySet());
        if (!supported) {
            respond.accept(GroupResponses.joinError(Errors.INCONSISTENT_GROUP_PROTOCOL, memberId, version));
            return;
        }
        if (g == null) {
            g = store.getOrCreate(groupId);
        }
        int rebalanceTimeout = version == 0 ? req.sessionTimeoutMs() : req.rebalanceTimeoutMs();
        JoinContext ctx = new JoinContext(req, version, clientId, clientHost, protocols, rebalanceTimeout, respond);
        if (memberId.isEmpty()) {
            joinUnknownMember(g, ctx);
        } else {
            joinKnownMember(g, memberId, ctx);
        }
    }

    private record JoinContext(JoinGroupRequestData req, short version, String clientId, String clientHost,
                               Map<String, byte[]> protocols, int rebalanceTimeoutMs,
                               Consumer<JoinGroupResponseData> respond) {
    }

    private void joinUnknownMember(ClassicGroup g, JoinContext ctx) {
        String instanceId = ctx.req.groupInstanceId();
        String prefix = instanceId != null ? instanceId : ctx.clientId == null ? "" : ctx.clientId;
        String newId = prefix + "-" + UUID.randomUUID();
        if (instanceId != null) {
            GroupMember existing = g.staticMember(instanceId);
            if (existing != null) {
                replaceStaticMember(g, existing, newId, ctx);
                return;
            }
        }
        if (g.members.size() >= store.settings.maxGroupSize()) {
            ctx.respond.accept(GroupResponses.joinError(Errors.GROUP_MAX_SIZE_REACHED, "", ctx.version));
            return;
        }
        if (instanceId == null && ctx.version >= 4) {
            g.pendingMembers.add(newId);
            store.timer.schedule(pendingKey(g, newId), ctx.req.sessionTimeoutMs(), () -> expirePending(g, newId));
            ctx.respond.accept(GroupResponses.joinError(Errors.MEMBER_ID_REQUIRED, newId, ctx.version));
            return;
        }
        addMemberAndRebalance(g, newId, ctx);
    }

    private void joinKnownMember(ClassicGroup g, String memberId, JoinContext ctx) {
        if (g.pendingMembers.remove(memberId)) {
            store.timer.cancel(pendingKey(g, memberId));
            if (g.members.size() >= store.settings.maxGroupSize()) {
                ctx.respond.accept(GroupResponses.joinError(Errors.GROUP_MAX_SIZE_REACHED, memberId, ctx.version));
                tryCompleteJoin(g);
                return;
            }
            addMemberAndRebalance(g, memberId, ctx);
            return;
        }
        Errors fenced = g.validateMember(memberId, ctx.req.groupInstanceId());
        if (fenced != Errors.NONE) {
            ctx.respond.accept(GroupResponses.joinError(fenced, memberId, ctx.version));
            return;
        }
        GroupMember m = g.members.get(memberId);
        switch (g.state) {
            case PREPARING_REBALANCE -> {
                updateMember(m, ctx);
                tryCompleteJoin(g);
            }
            case COMPLETING_REBALANCE -> {
                if (m.matches(ctx.protocols)) {
                    ctx.respond.accept(GroupResponses.currentJoin(g, m, ctx.version, false));
                } else {
                    updateMember(m, ctx);
                    prepareRebalance(g, "member " + memberId + " changed its protocols");
                }
            }
            case STABLE -> {
                if (memberId.equals(g.leaderId) || !m.matches(ctx.protocols)) {
                    updateMember(m, ctx);
                    prepareRebalance(g, "leader or changed member " + memberId + " rejoined");
                } else {
                    ctx.respond.accept(GroupResponses.currentJoin(g, m, ctx.version, false));
                }
            }
            default -> ctx.respond.accept(GroupResponses.joinError(Errors.UNKNOWN_MEMBER_ID, memberId, ctx.version));
        }
    }

    /** A static member back with a new member id: it takes over the old id's place and assignment. */
    private void replaceStaticMember(ClassicGroup g, GroupMember old, String newId, JoinContext ctx) {
        GroupMember m = old.withId(newId);
        store.timer.cancel(heartbeatKey(g, old.memberId));
        if (old.awaitingJoin != null) {
            old.awaitingJoin.accept(GroupResponses.joinError(Errors.FENCED_INSTANCE_ID, old.memberId, ctx.version));
        }
        if (old.awaitingSync != null) {
            old.awaitingSync.accept(GroupResponses.syncError(Errors.FENCED_INSTANCE_ID));
        }
        Map<String, GroupMember> reordered = new java.util.LinkedHashMap<>();
        for (var e : g.members.entrySet()) {
            reordered.put(e.getKey().equals(old.memberId) ? newId : e.getKey(),
                    e.getKey().equals(old.memberId) ? m : e.getValue());
        }
        g.members.clear();
        g.members.putAll(reordered);
        g.staticMembers.put(m.instanceId, newId);
        if (old.memberId.equals(g.leaderId)) {
            g.leaderId = newId;
        }
        if (g.pendingSync.remove(old.memberId)) {
            g.pendingSync.add(newId);
        }
        // As in Kafka, only a change of the protocol the group would select makes a rebalance: subscription bytes
        // differ on every restart (owned partitions, generation) and must not.
        String selected = g.protocolName;
        Map<String, byte[]> oldProtocols = m.protocols;
        m.protocols = ctx.protocols;
        boolean sameProtocol = selected != null && selected.equals(g.selectProtocol());
        m.protocols = oldProtocols;
        boolean isLeader = newId.equals(g.leaderId);
        if (g.is(State.STABLE) && sameProtocol && (!isLeader || ctx.version >= 9)) {
            m.protocols = ctx.protocols;
            m.sessionTimeoutMs = ctx.req.sessionTimeoutMs();
            m.rebalanceTimeoutMs = ctx.rebalanceTimeoutMs;
            try {
                store.append(g.groupId, List.of(GroupStore.groupMetadata(g, store.now())));
            } catch (RuntimeException e) {
                log.warn("Could not record the new member id of static member {} of group {}", m.instanceId,
                        g.groupId, e);
            }
            scheduleHeartbeat(g, m);
            ctx.respond.accept(GroupResponses.currentJoin(g, m, ctx.version, isLeader));
            return;
        }
        updateMember(m, ctx);
        if (g.is(State.PREPARING_REBALANCE)) {
            tryCompleteJoin(g);
        } else {
            prepareRebalance(g, "static member " + m.instanceId + " rejoined with changes");
        }
    }

    private void updateMember(GroupMember m, JoinContext ctx) {
        m.protocols = ctx.protocols;
        m.protocolType = ctx.req.protocolType();
        m.sessionTimeoutMs = ctx.req.sessionTimeoutMs();
        m.rebalanceTimeoutMs = ctx.rebalanceTimeoutMs;
        m.awaitingJoin = ctx.respond;
        store.timer.cancel(heartbeatKeyOf(ctx.req.groupId(), m.memberId));
    }

    private void addMemberAndRebalance(ClassicGroup g, String memberId, JoinContext ctx) {
        GroupMember m = new GroupMember(memberId, ctx.req.groupInstanceId(), ctx.clientId, ctx.clientHost,
                ctx.rebalanceTimeoutMs, ctx.req.sessionTimeoutMs(), ctx.req.protocolType(), ctx.protocols);
        m.isNew = true;
        m.awaitingJoin = ctx.respond;
        if (g.members.isEmpty()) {
            g.protocolType = ctx.req.protocolType();
        }
        g.members.put(memberId, m);
        if (m.instanceId != null) {
            g.staticMembers.put(m.instanceId, memberId);
        }
        if (g.leaderId == null) {
            g.leaderId = memberId;
        }
        if (g.is(State.PREPARING_REBALANCE)) {
            g.newMemberAdded = true;
            tryCompleteJoin(g);
        } else {
            prepareRebalance(g, "member " + memberId + " joined");
        }
    }

    // ---------------------------------------------------------------- the rebalance

    private void prepareRebalance(ClassicGroup g, String reason) {
        if (g.is(State.COMPLETING_REBALANCE)) {
            for (GroupMember m : g.members.values()) {
                m.assignment = new byte[0];
                if (m.awaitingSync != null) {
                    m.awaitingSync.accept(GroupResponses.syncError(Errors.REBALANCE_IN_PROGRESS));
                    m.awaitingSync = null;
                }
            }
        }
        store.timer.cancel(syncKey(g));
        g.pendingSync.clear();
        boolean fromEmpty = g.is(State.EMPTY);
        g.transitionTo(State.PREPARING_REBALANCE);
        log.info("Preparing to rebalance group {} in generation {}: {}", g.groupId, g.generationId, reason);
        int delay = store.settings.initialRebalanceDelayMs();
        if (fromEmpty && delay > 0) {
            g.newMemberAdded = false;
            g.inInitialDelay = true;
            int remaining = Math.max(g.maxRebalanceTimeoutMs() - delay, 0);
            store.timer.schedule(joinKey(g), delay, () -> initialDelayPassed(g, delay, remaining));
        } else {
            g.inInitialDelay = false;
            store.timer.schedule(joinKey(g), g.maxRebalanceTimeoutMs(), () -> completeJoin(g));
            tryCompleteJoin(g);
        }
    }

    private void initialDelayPassed(ClassicGroup g, int delay, int remaining) {
        if (g.newMemberAdded && remaining > 0) {
            g.newMemberAdded = false;
            int next = Math.min(delay, remaining);
            store.timer.schedule(joinKey(g), next, () -> initialDelayPassed(g, delay, remaining - next));
            return;
        }
        g.inInitialDelay = false;
        completeJoin(g);
    }

    private void tryCompleteJoin(ClassicGroup g) {
        if (g.is(State.PREPARING_REBALANCE) && !g.inInitialDelay && g.allMembersJoined()) {
            store.timer.cancel(joinKey(g));
            completeJoin(g);
        }
    }

    private void completeJoin(ClassicGroup g) {
        if (!g.is(State.PREPARING_REBALANCE)) {
            return;
        }
        store.timer.cancel(joinKey(g));
        g.inInitialDelay = false;
        for (GroupMember m : new ArrayList<>(g.members.values())) {
            if (m.awaitingJoin == null && !m.isStatic()) {
                removeMember(g, m, Errors.UNKNOWN_MEMBER_ID);
            }
        }
        long now = store.now();
        g.generationId++;
        if (g.members.isEmpty()) {
            g.protocolName = null;
            g.leaderId = null;
            g.transitionTo(State.EMPTY);
            writeMetadata(g, now);
            log.info("Group {} is empty in generation {}", g.groupId, g.generationId);
            return;
        }
        g.protocolName = g.selectProtocol();
        if (g.leaderId == null || !g.hasMember(g.leaderId)) {
            g.leaderId = g.members.keySet().iterator().next();
        }
        g.transitionTo(State.COMPLETING_REBALANCE);
        log.info("Group {} starts generation {} with {} member(s), protocol {}", g.groupId, g.generationId,
                g.members.size(), g.protocolName);
        int generation = g.generationId;
        for (GroupMember m : g.members.values()) {
            g.pendingSync.add(m.memberId);
            Consumer<JoinGroupResponseData> respond = m.awaitingJoin;
            m.awaitingJoin = null;
            m.isNew = false;
            scheduleHeartbeat(g, m);
            if (respond != null) {
                respond.accept(GroupResponses.currentJoin(g, m, Short.MAX_VALUE, false));
            }
        }
        store.timer.schedule(syncKey(g), g.maxRebalanceTimeoutMs(), () -> syncTimedOut(g, generation));
    }

    /** Members that joined but never synced within the rebalance timeout are removed. */
    private void syncTimedOut(ClassicGroup g, int generation) {
        if (g.generationId != generation || g.pendingSync.isEmpty()
                || !(g.is(State.COMPLETING_REBALANCE) || g.is(State.STABLE))) {
            return;
        }
        for (String id : new ArrayList<>(g.pendingSync)) {
            GroupMember m = g.members.get(id);
            if (m != null) {
                log.info("Member {} of group {} did not sync in time", id, g.groupId);
                removeMember(g, m, Errors.REBALANCE_IN_PROGRESS);
            }
        }
        prepareRebalance(g, "members did not sync in time");
    }

    private void writeMetadata(ClassicGroup g, long now) {
        try {
            store.append(g.groupId, List.of(GroupStore.groupMetadata(g, now)));
        } catch (RuntimeException e) {
            log.error("Could not write the metadata of group {}", g.groupId, e);
        }
    }

    // ---------------------------------------------------------------- SyncGroup

    void sync(SyncGroupRequestData req, short version, Consumer<SyncGroupResponseData> respond) {
        ClassicGroup g = store.get(req.groupId());
        if (g == null) {
            respond.accept(GroupResponses.syncError(Errors.UNKNOWN_MEMBER_ID));
            return;
        }
        if (g.is(State.DEAD)) {
            respond.accept(GroupResponses.syncError(Errors.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        Errors invalid = g.validateMember(req.memberId(), req.groupInstanceId());
        if (invalid == Errors.NONE && req.generationId() != g.generationId) {
            invalid = Errors.ILLEGAL_GENERATION;
        }
        if (invalid == Errors.NONE && (req.protocolType() != null && !req.protocolType().equals(g.protocolType)
                || req.protocolName() != null && !req.protocolName().equals(g.protocolName))) {
            invalid = Errors.INCONSISTENT_GROUP_PROTOCOL;
        }
        if (invalid != Errors.NONE) {
            respond.accept(GroupResponses.syncError(invalid));
            return;
        }
        GroupMember m = g.members.get(req.memberId());
        switch (g.state) {
            case PREPARING_REBALANCE -> respond.accept(GroupResponses.syncError(Errors.REBALANCE_IN_PROGRESS));
            case COMPLETING_REBALANCE -> {
                m.awaitingSync = respond;
                markSynced(g, m);
                if (m.memberId.equals(g.leaderId)) {
                    completeSync(g, req);
                }
            }
            case STABLE -> {
                markSynced(g, m);
                respond.accept(GroupResponses.sync(g, m.assignment));
            }
            default -> respond.accept(GroupResponses.syncError(Errors.UNKNOWN_MEMBER_ID));
        }
    }

    private void markSynced(ClassicGroup g, GroupMember m) {
        g.pendingSync.remove(m.memberId);
        if (g.pendingSync.isEmpty()) {
            store.timer.cancel(syncKey(g));
        }
        scheduleHeartbeat(g, m);
    }

    /** The leader's assignment: recorded, then handed to every member waiting for it. */
    private void completeSync(ClassicGroup g, SyncGroupRequestData req) {
        Map<String, byte[]> assignments = new HashMap<>();
        for (var a : req.assignments()) {
            assignments.put(a.memberId(), a.assignment());
        }
        for (GroupMember m : g.members.values()) {
            m.assignment = assignments.getOrDefault(m.memberId, new byte[0]);
        }
        try {
            store.append(g.groupId, List.of(GroupStore.groupMetadata(g, store.now())));
        } catch (RuntimeException e) {
            log.error("Could not write the assignment of group {}", g.groupId, e);
            for (GroupMember m : g.members.values()) {
                if (m.awaitingSync != null) {
                    m.awaitingSync.accept(GroupResponses.syncError(Errors.COORDINATOR_NOT_AVAILABLE));
                    m.awaitingSync = null;
                }
            }
            prepareRebalance(g, "its assignment could not be written");
            return;
        }
        g.transitionTo(State.STABLE);
        for (GroupMember m : g.members.values()) {
            if (m.awaitingSync != null) {
                m.awaitingSync.accept(GroupResponses.sync(g, m.assignment));
                m.awaitingSync = null;
            }
        }
    }

    // ---------------------------------------------------------------- Heartbeat and LeaveGroup

    HeartbeatResponseData heartbeat(HeartbeatRequestData req) {
        ClassicGroup g = store.get(req.groupId());
        Errors error;
        if (g == null) {
            error = Errors.UNKNOWN_MEMBER_ID;
        } else if (g.is(State.DEAD)) {
            error = Errors.COORDINATOR_NOT_AVAILABLE;
        } else {
            error = g.validateMember(req.memberId(), req.groupInstanceId());
            if (error == Errors.NONE && req.generationId() != g.generationId) {
                error = Errors.ILLEGAL_GENERATION;
            }
            if (error == Errors.NONE) {
                switch (g.state) {
                    case PREPARING_REBALANCE -> error = Errors.REBALANCE_IN_PROGRESS;
                    case COMPLETING_REBALANCE, STABLE -> error = Errors.NONE;
                    default -> error = Errors.UNKNOWN_MEMBER_ID;
                }
                GroupMember m = g.members.get(req.memberId());
                if (m != null && m.awaitingJoin == null && error != Errors.UNKNOWN_MEMBER_ID) {
                    scheduleHeartbeat(g, m);
                }
            }
        }
        return new HeartbeatResponseData().setErrorCode(error.code());
    }

    LeaveGroupResponseData leave(LeaveGroupRequestData req, short version) {
        List<LeaveGroupRequestData.MemberIdentity> leaving = version <= 2
                ? List.of(new LeaveGroupRequestData.MemberIdentity().setMemberId(req.memberId()))
                : req.members();
        LeaveGroupResponseData response = new LeaveGroupResponseData();
        ClassicGroup g = store.get(req.groupId());
        if (g != null && g.is(State.DEAD)) {
            return response.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code());
        }
        boolean removedAny = false;
        for (LeaveGroupRequestData.MemberIdentity who : leaving) {
            Errors error = Errors.NONE;
            String memberId = who.memberId() == null ? "" : who.memberId();
            if (g == null) {
                error = Errors.UNKNOWN_MEMBER_ID;
            } else if (who.groupInstanceId() != null) {
                GroupMember m = g.staticMember(who.groupInstanceId());
                if (m == null) {
                    error = Errors.UNKNOWN_MEMBER_ID;
                } else if (!memberId.isEmpty() && !memberId.equals(m.memberId)) {
                    error = Errors.FENCED_INSTANCE_ID;
                } else {
                    log.info("Static member {} ({}) leaves group {}", m.instanceId, m.memberId, g.groupId);
                    removeMember(g, m, Errors.UNKNOWN_MEMBER_ID);
                    removedAny = true;
                }
            } else if (g.pendingMembers.remove(memberId)) {
                store.timer.cancel(pendingKey(g, memberId));
                removedAny = true;
            } else {
                GroupMember m = g.members.get(memberId);
                if (m == null) {
                    error = Errors.UNKNOWN_MEMBER_ID;
                } else {
                    log.info("Member {} leaves group {}", memberId, g.groupId);
                    removeMember(g, m, Errors.UNKNOWN_MEMBER_ID);
                    removedAny = true;
                }
            }
            response.members().add(new LeaveGroupResponseData.MemberResponse().setMemberId(memberId)
                    .setGroupInstanceId(who.groupInstanceId()).setErrorCode(error.code()));
        }
        if (removedAny) {
            membershipChanged(g, "members left");
        }
        if (version <= 2) {
            short code = response.members().get(0).errorCode();
            response.members().clear();
            response.setErrorCode(code);
        }
        return response;
    }

    // ---------------------------------------------------------------- timeouts and removal

    private void scheduleHeartbeat(ClassicGroup g, GroupMember m) {
        String memberId = m.memberId;
        store.timer.schedule(heartbeatKey(g, memberId), m.sessionTimeoutMs, () -> sessionExpired(g, memberId));
    }

    private void sessionExpired(ClassicGroup g, String memberId) {
        GroupMember m = g.members.get(memberId);
        if (m == null || m.awaitingJoin != null || store.get(g.groupId) != g) {
            return;
        }
        log.info("Member {} of group {} has not heartbeated for {} ms; removing it", memberId, g.groupId,
                m.sessionTimeoutMs);
        removeMember(g, m, Errors.UNKNOWN_MEMBER_ID);
        membershipChanged(g, "member " + memberId + " session expired");
    }

    private void expirePending(ClassicGroup g, String memberId) {
        if (g.pendingMembers.remove(memberId)) {
            tryCompleteJoin(g);
        }
    }

    private void membershipChanged(ClassicGroup g, String reason) {
        switch (g.state) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(g, reason);
            case PREPARING_REBALANCE -> tryCompleteJoin(g);
            default -> {
            }
        }
    }

    private void removeMember(ClassicGroup g, GroupMember m, Errors toWaiters) {
        store.timer.cancel(heartbeatKey(g, m.memberId));
        g.members.remove(m.memberId);
        if (m.instanceId != null && m.memberId.equals(g.staticMembers.get(m.instanceId))) {
            g.staticMembers.remove(m.instanceId);
        }
        g.pendingSync.remove(m.memberId);
        if (m.memberId.equals(g.leaderId)) {
            g.leaderId = g.members.isEmpty() ? null : g.members.keySet().iterator().next();
        }
        if (m.awaitingJoin != null) {
            m.awaitingJoin.accept(GroupResponses.joinError(toWaiters, m.memberId, Short.MAX_VALUE));
            m.awaitingJoin = null;
        }
        if (m.awaitingSync != null) {
            m.awaitingSync.accept(GroupResponses.syncError(toWaiters));
            m.awaitingSync = null;
        }
    }

    /** Cancels every timer of a group that is being deleted. */
    void forget(ClassicGroup g) {
        store.timer.cancel(joinKey(g));
        store.timer.cancel(syncKey(g));
        for (String id : g.members.keySet()) {
            store.timer.cancel(heartbeatKey(g, id));
        }
        for (String id : g.pendingMembers) {
            store.timer.cancel(pendingKey(g, id));
        }
    }

    /** After loading: members read from the log must heartbeat within their session timeout or leave. */
    void startSessions(ClassicGroup g) {
        for (GroupMember m : g.members.values()) {
            scheduleHeartbeat(g, m);
        }
    }

    private static String joinKey(ClassicGroup g) {
        return "join/" + g.groupId;
    }

    private static String syncKey(ClassicGroup g) {
        return "sync/" + g.groupId;
    }

    private static String heartbeatKey(ClassicGroup g, String memberId) {
        return heartbeatKeyOf(g.groupId, memberId);
    }

    private static String heartbeatKeyOf(String groupId, String memberId) {
        return "heartbeat/" + groupId + "/" + memberId;
    }

    private static String pendingKey(ClassicGroup g, String memberId) {
        return "pending/" + g.groupId + "/" + memberId;
    }
}
