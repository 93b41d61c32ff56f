package dev.nagare.broker.api;

import java.util.List;

import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.acl.AclOperation;

import dev.nagare.broker.group.CoordinatorRuntime;
import dev.nagare.broker.group.GroupCoordinator;
import dev.nagare.broker.metadata.ClusterView;
import dev.nagare.broker.network.Request;

/**
 * The group APIs: FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, DescribeGroups, ListGroups and
 * DeleteGroups. Thin: each decodes, runs the coordinator on its thread ({@link CoordinatorRuntime}) and answers from
 * there. A group whose {@code __consumer_offsets} partition is still loading gets COORDINATOR_LOAD_IN_PROGRESS.
 * This node is the coordinator of every group.
 */
final class GroupHandlers {

    static final int GROUP_OPERATIONS = 1 << AclOperation.READ.code() | 1 << AclOperation.DESCRIBE.code()
            | 1 << AclOperation.DELETE.code();

    private final CoordinatorRuntime runtime;
    private final ClusterView cluster;

    GroupHandlers(CoordinatorRuntime runtime, ClusterView cluster) {
        this.runtime = runtime;
        this.cluster = cluster;
    }

    void findCoordinator(Request request) {
        FindCoordinatorRequestData data = request.data();
        short version = request.version();
        List<String> keys = version >= 4 ? data.coordinatorKeys() : List.of(data.key());
        runtime.submit(c -> {
            FindCoordinatorResponseData response = new FindCoordinatorResponseData();
            for (String key : keys) {
                FindCoordinatorResponseData.Coordinator found = new FindCoordinatorResponseData.Coordinator()
                        .setKey(key).setNodeId(-1).setHost("").setPort(-1);
                if (data.keyType() == FindCoordinatorRequest.CoordinatorType.GROUP.id()) {
                    try {
                        runtime.ensureOffsetsTopic();
                        ClusterView.Endpoint e = cluster.endpoint();
                        found.setNodeId(cluster.nodeId()).setHost(e.host()).setPort(e.port());
                    } catch (RuntimeException e) {
                        found.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code()).setErrorMessage(e.getMessage());
                    }
                } else if (data.keyType() == FindCoordinatorRequest.CoordinatorType.TRANSACTION.id()
                        || data.keyType() == FindCoordinatorRequest.CoordinatorType.SHARE.id()) {
                    found.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                            .setErrorMessage("Nagare has no coordinator of this type yet.");
                } else {
                    found.setErrorCode(Errors.INVALID_REQUEST.code())
                            .setErrorMessage("Unknown coordinator type " + data.keyType());
                }
                response.coordinators().add(found);
            }
            if (version < 4) {
                FindCoordinatorResponseData.Coordinator only = response.coordinators().get(0);
                response = new FindCoordinatorResponseData().setErrorCode(only.errorCode())
                        .setErrorMessage(version >= 1 ? only.errorMessage() : null)
                        .setNodeId(only.nodeId()).setHost(only.host()).setPort(only.port());
            }
            request.respond(response);
        });
    }

    void joinGroup(Request request) {
        JoinGroupRequestData data = request.data();
        short version = request.version();
        String host = "/" + request.clientAddress().getAddress().getHostAddress();
        runtime.submit(c -> {
            if (!runtime.isLoaded(data.groupId())) {
                request.respond(fix(new JoinGroupResponseData().setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code())
                        .setGenerationId(-1).setLeader("").setMemberId(data.memberId()), version));
                return;
            }
            c.joinGroup(data, version, request.clientId(), host, r -> request.respond(fix(r, version)));
        });
    }

    /** Fields a version does not have must stay at their defaults; non-nullable ones must not be null. */
    private static JoinGroupResponseData fix(JoinGroupResponseData r, short version) {
        if (version < 7) {
            r.setProtocolType(null);
            if (r.protocolName() == null) {
                r.setProtocolName("");
            }
        }
        if (version < 9) {
            r.setSkipAssignment(false);
        }
        if (version < 5) {
            r.members().forEach(m -> m.setGroupInstanceId(null));
        }
        return r;
    }

    void syncGroup(Request request) {
        SyncGroupRequestData data = request.data();
        short version = request.version();
        runtime.submit(c -> {
            if (!runtime.isLoaded(data.groupId())) {
                request.respond(new SyncGroupResponseData().setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code())
                        .setAssignment(new byte[0]));
                return;
            }
            c.syncGroup(data, version, r -> {
                if (version < 5) {
                    r.setProtocolType(null).setProtocolName(null);
                }
                request.respond(r);
            });
        });
    }

    void heartbeat(Request request) {
        HeartbeatRequestData data = request.data();
        runtime.submit(c -> request.respond(runtime.isLoaded(data.groupId()) ? c.heartbeat(data)
                : new HeartbeatResponseData().setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code())));
    }

    void leaveGroup(Request request) {
        LeaveGroupRequestData data = request.data();
        short version = request.version();
        runtime.submit(c -> request.respond(runtime.isLoaded(data.groupId()) ? c.leaveGroup(data, version)
                : new LeaveGroupResponseData().setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code())));
    }

    void describeGroups(Request request) {
        DescribeGroupsRequestData data = request.data();
        short version = request.version();
        runtime.submit(c -> {
            DescribeGroupsResponseData response = new DescribeGroupsResponseData();
            for (String groupId : data.groups()) {
                DescribeGroupsResponseData.DescribedGroup d;
                if (!runtime.isLoaded(groupId)) {
                    d = new DescribeGroupsResponseData.DescribedGroup().setGroupId(groupId).setGroupState("")
                            .setProtocolType("").setProtocolData("")
                            .setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
                } else {
                    d = c.describeGroup(groupId);
                }
                if (version < 6) {
                    if (d.errorCode() == Errors.GROUP_ID_NOT_FOUND.code()) {
                        d.setErrorCode(Errors.NONE.code());
                    }
                    d.setErrorMessage(null);
                }
                if (version < 4) {
                    d.members().forEach(m -> m.setGroupInstanceId(null));
                }
                d.setAuthorizedOperations(version >= 3 && data.includeAuthorizedOperations()
                        ? GROUP_OPERATIONS : AuthorizedOperations.NOT_REQUESTED);
                response.groups().add(d);
            }
            request.respond(response);
        });
    }

    void listGroups(Request request) {
        ListGroupsRequestData data = request.data();
        short version = request.version();
        runtime.submit(c -> {
            ListGroupsResponseData response = new ListGroupsResponseData();
            for (ListGroupsResponseData.ListedGroup g : c.listGroups(data.statesFilter(), data.typesFilter())) {
                if (!runtime.isLoaded(g.groupId())) {
                    continue;
                }
                if (version < 4) {
                    g.setGroupState("");
                }
                if (version < 5) {
                    g.setGroupType("");
                }
                response.groups().add(g);
            }
            request.respond(response);
        });
    }

    void deleteGroups(Request request) {
        DeleteGroupsRequestData data = request.data();
        runtime.submit(c -> {
            DeleteGroupsResponseData response = new DeleteGroupsResponseData();
            for (String groupId : data.groupsNames()) {
                Errors error;
                if (!runtime.isLoaded(groupId)) {
                    error = Errors.COORDINATOR_LOAD_IN_PROGRESS;
                } else {
                    try {
                        error = c.deleteGroup(groupId);
                    } catch (RuntimeException e) {
                        error = Errors.forException(e);
                    }
                }
                response.results().add(new DeleteGroupsResponseData.DeletableGroupResult().setGroupId(groupId)
                        .setErrorCode(error.code()));
            }
            request.respond(response);
        });
    }
}
