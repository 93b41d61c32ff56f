package dev.nagare.broker.group;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * One member of a classic group: what it joined with, its assignment, and the JoinGroup or SyncGroup response it
 * waits for. Not thread-safe; owned by the coordinator thread.
 */
final class GroupMember {

    final String memberId;
    final String instanceId;
    final String clientId;
    final String clientHost;
    int rebalanceTimeoutMs;
    int sessionTimeoutMs;
    String protocolType;
    /** Protocol name → metadata, in the member's order of preference. */
    Map<String, byte[]> protocols;
    byte[] assignment = new byte[0];
    /** Set while the member waits for the JoinGroup response of the rebalance in progress. */
    Consumer<JoinGroupResponseData> awaitingJoin;
    /** Set while the member waits for the leader's SyncGroup. */
    Consumer<SyncGroupResponseData> awaitingSync;
    /** True from joining until the first JoinGroup response it receives. */
    boolean isNew;

    GroupMember(String memberId, String instanceId, String clientId, String clientHost, int rebalanceTimeoutMs,
                int sessionTimeoutMs, String protocolType, Map<String, byte[]> protocols) {
        this.memberId = memberId;
        this.instanceId = instanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocolType = protocolType;
        this.protocols = protocols;
    }

    /** A copy under a new member id (a static member that joins again replaces its old id). */
    GroupMember withId(String newMemberId) {
        GroupMember m = new GroupMember(newMemberId, instanceId, clientId, clientHost, rebalanceTimeoutMs,
                sessionTimeoutMs, protocolType, protocols);
        m.assignment = assignment;
        return m;
    }

    boolean isStatic() {
        return instanceId != null;
    }

    boolean matches(Map<String, byte[]> otherProtocols) {
        if (otherProtocols.size() != protocols.size()) {
            return false;
        }
        var a = protocols.entrySet().iterator();
        var b = otherProtocols.entrySet().iterator();
        while (a.hasNext()) {
            var x = a.next();
            var y = b.next();
            if (!x.getKey().equals(y.getKey()) || !java.util.Arrays.equals(x.getValue(), y.getValue())) {
                return false;
            }
        }
        return true;
    }

    static Map<String, byte[]> protocolsOf(Iterable<org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol> ps) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (var p : ps) {
            m.putIfAbsent(p.name(), p.metadata());
        }
        return m;
    }
}
