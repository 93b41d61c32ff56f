package dev.nagare.broker.group;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * One group of the classic rebalance protocol (JoinGroup/SyncGroup/Heartbeat), and the offsets it has committed.
 * A group that only commits ({@code assign()} consumers, the admin client) is a classic group without protocol type
 * and without members.
 *
 * <p>States, as Kafka names them: {@code Empty} (no members), {@code PreparingRebalance} (waiting for the members
 * to join), {@code CompletingRebalance} (joined; waiting for the leader's assignment), {@code Stable}, and
 * {@code Dead} (deleted; a request that still holds it gets a retriable error).
 *
 * <p>Not thread-safe; owned by the coordinator thread.
 */
final class ClassicGroup {

    enum State {
        EMPTY("Empty"), PREPARING_REBALANCE("PreparingRebalance"), COMPLETING_REBALANCE("CompletingRebalance"),
        STABLE("Stable"), DEAD("Dead");

        final String label;

        State(String label) {
            this.label = label;
        }
    }

    final String groupId;
    State state = State.EMPTY;
    int generationId;
    /** Null until a member joined (a group that only commits has none). */
    String protocolType;
    String protocolName;
    String leaderId;
    /** When the group last changed state, as recorded in its group metadata; -1 when never recorded. */
    long currentStateTimestamp = -1;
    final LinkedHashMap<String, GroupMember> members = new LinkedHashMap<>();
    /** group.instance.id → member id. */
    final Map<String, String> staticMembers = new HashMap<>();
    /** Member ids handed out with MEMBER_ID_REQUIRED, not yet joined with them. */
    final Set<String> pendingMembers = new HashSet<>();
    /** Members of the current generation that have not sent SyncGroup yet. */
    final Set<String> pendingSync = new HashSet<>();
    /** Set when a member joined during the initial delay of a rebalance from Empty. */
    boolean newMemberAdded;
    /** True while the first round of a rebalance from Empty waits {@code group.initial.rebalance.delay.ms}. */
    boolean inInitialDelay;
    final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();

    ClassicGroup(String groupId) {
        this.groupId = groupId;
    }

    boolean is(State s) {
        return state == s;
    }

    boolean hasMember(String memberId) {
        return members.containsKey(memberId);
    }

    GroupMember staticMember(String instanceId) {
        String id = staticMembers.get(instanceId);
        return id == null ? null : members.get(id);
    }

    int awaitingJoinCount() {
        int n = 0;
        for (GroupMember m : members.values()) {
            if (m.awaitingJoin != null) {
                n++;
            }
        }
        return n;
    }

    boolean allMembersJoined() {
        return members.size() == awaitingJoinCount() && pendingMembers.isEmpty();
    }

    int maxRebalanceTimeoutMs() {
        int max = 0;
        for (GroupMember m : members.values()) {
            max = Math.max(max, m.rebalanceTimeoutMs);
        }
        return max;
    }

    /** True when every member supports at least one protocol in common with {@code protocols}. */
    boolean supports(String type, Set<String> protocols) {
        if (members.isEmpty()) {
            return type != null && !type.isEmpty() && !protocols.isEmpty();
        }
        if (!type.equals(protocolType)) {
            return false;
        }
        for (String p : protocols) {
            boolean everyone = true;
            for (GroupMember m : members.values()) {
                if (!m.protocols.containsKey(p)) {
                    everyone = false;
                    break;
                }
            }
            if (everyone) {
                return true;
            }
        }
        return false;
    }

    /** Kafka's vote: each member votes for its most preferred protocol among those every member supports. */
    String selectProtocol() {
        Set<String> candidates = new HashSet<>();
        boolean first = true;
        for (GroupMember m : members.values()) {
            if (first) {
                candidates.addAll(m.protocols.keySet());
                first = false;
            } else {
                candidates.retainAll(m.protocols.keySet());
            }
        }
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (GroupMember m : members.values()) {
            for (String p : m.protocols.keySet()) {
                if (candidates.contains(p)) {
                    votes.merge(p, 1, Integer::sum);
                    break;
                }
            }
        }
        String best = null;
        int bestVotes = -1;
        for (var e : votes.entrySet()) {
            if (e.getValue() > bestVotes) {
                best = e.getKey();
                bestVotes = e.getValue();
            }
        }
        return best;
    }

    /**
     * The topics the members subscribe to, read from their consumer-protocol metadata; empty when the group is not a
     * consumer group or has no members, and {@code Optional.empty()} when a subscription cannot be read (then no
     * offset counts as unsubscribed).
     */
    Optional<Set<String>> subscribedTopics() {
        Set<String> topics = new HashSet<>();
        if (!ConsumerProtocol.PROTOCOL_TYPE.equals(protocolType) || members.isEmpty()) {
            return Optional.of(topics);
        }
        for (GroupMember m : members.values()) {
            byte[] metadata = protocolName == null ? null : m.protocols.get(protocolName);
            if (metadata == null) {
                return Optional.empty();
            }
            try {
                ConsumerPartitionAssignor.Subscription s =
                        ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(metadata));
                topics.addAll(s.topics());
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
        return Optional.of(topics);
    }

    /**
     * Checks a request's member against the group: FENCED_INSTANCE_ID when its instance id belongs to another member
     * id, UNKNOWN_MEMBER_ID when the member is not in the group.
     */
    Errors validateMember(String memberId, String instanceId) {
        if (instanceId != null) {
            String current = staticMembers.get(instanceId);
            if (current != null && !current.equals(memberId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
        }
        return hasMember(memberId) ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
    }

    void transitionTo(State next) {
        state = next;
    }

    @Override
    public String toString() {
        return "Group(" + groupId + ", " + state.label + ", generation " + generationId + ", " + members.size()
                + " member(s))";
    }
}
