package dev.nagare.broker.group;

import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/** The JoinGroup and SyncGroup responses the coordinator gives. Stateless. */
final class GroupResponses {

    private GroupResponses() {
    }

    /**
     * The JoinGroup response of the current generation; the leader's lists every member's subscription. Fields a
     * version lacks are left at their defaults (the network layer writes each version's fields).
     */
    static JoinGroupResponseData currentJoin(ClassicGroup g, GroupMember m, short version,
                                                             boolean skipAssignment) {
        JoinGroupResponseData r = new JoinGroupResponseData()
                .setGenerationId(g.generationId)
                .setProtocolType(g.protocolType)
                .setProtocolName(g.protocolName)
                .setLeader(g.leaderId)
                .setMemberId(m.memberId)
                .setSkipAssignment(skipAssignment && version >= 9);
        if (m.memberId.equals(g.leaderId)) {
            for (GroupMember each : g.members.values()) {
                byte[] metadata = each.protocols.get(g.protocolName);
                r.members().add(new JoinGroupResponseData.JoinGroupResponseMember().setMemberId(each.memberId)
                        .setGroupInstanceId(each.instanceId).setMetadata(metadata == null ? new byte[0] : metadata));
            }
        }
        return r;
    }

    static JoinGroupResponseData joinError(Errors error, String memberId, short version) {
        return new JoinGroupResponseData().setErrorCode(error.code()).setGenerationId(-1)
                .setProtocolName(null).setLeader("").setMemberId(memberId == null ? "" : memberId);
    }

    static SyncGroupResponseData sync(ClassicGroup g, byte[] assignment) {
        return new SyncGroupResponseData().setProtocolType(g.protocolType).setProtocolName(g.protocolName)
                .setAssignment(assignment);
    }

    static SyncGroupResponseData syncError(Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(new byte[0]);
    }
}
