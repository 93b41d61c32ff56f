package dev.nagare.broker.metrics;

import java.util.Map;

import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.DeleteGroupsResponse;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.apache.kafka.common.requests.DescribeClusterResponse;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.ListGroupsResponse;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetDeleteResponse;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.apache.kafka.common.requests.SyncGroupResponse;

/**
 * The error codes a response carries, counted as Kafka's request metrics count them ({@code ErrorsPerSec}): once
 * per occurrence — a produce that fails on three partitions counts three — with NONE left out.
 *
 * <p>Produce and Fetch, the hot paths, are walked here field by field without allocating; the other APIs, answered
 * far less often, are wrapped in kafka-clients' response class for its {@code errorCounts()}.
 *
 * <p>Stateless.
 */
final class ResponseErrors {

    /** Receives each error code found (never NONE) and how often it occurs. */
    @FunctionalInterface
    interface Sink {
        void error(ApiKeys api, short code, int count);
    }

    private ResponseErrors() {
    }

    static void forEach(ApiKeys api, short version, ApiMessage response, Sink sink) {
        if (response instanceof ProduceResponseData produce) {
            for (ProduceResponseData.TopicProduceResponse t : produce.responses()) {
                for (ProduceResponseData.PartitionProduceResponse p : t.partitionResponses()) {
                    report(api, p.errorCode(), 1, sink);
                }
            }
            return;
        }
        if (response instanceof FetchResponseData fetch) {
            report(api, fetch.errorCode(), 1, sink);
            for (FetchResponseData.FetchableTopicResponse t : fetch.responses()) {
                for (FetchResponseData.PartitionData p : t.partitions()) {
                    report(api, p.errorCode(), 1, sink);
                }
            }
            return;
        }
        AbstractResponse wrapped = wrap(api, version, response);
        if (wrapped != null) {
            for (Map.Entry<Errors, Integer> e : wrapped.errorCounts().entrySet()) {
                report(api, e.getKey().code(), e.getValue(), sink);
            }
        }
    }

    private static void report(ApiKeys api, short code, int count, Sink sink) {
        if (code != Errors.NONE.code()) {
            sink.error(api, code, count);
        }
    }

    /** kafka-clients' response class around the message, for the APIs Nagare serves; null for others. */
    private static AbstractResponse wrap(ApiKeys api, short version, ApiMessage m) {
        return switch (api) {
            case API_VERSIONS -> new ApiVersionsResponse((ApiVersionsResponseData) m);
            case METADATA -> new MetadataResponse((MetadataResponseData) m, version);
            case DESCRIBE_CLUSTER -> new DescribeClusterResponse((DescribeClusterResponseData) m);
            case LIST_OFFSETS -> new ListOffsetsResponse((ListOffsetsResponseData) m);
            case OFFSET_FOR_LEADER_EPOCH -> new OffsetsForLeaderEpochResponse((OffsetForLeaderEpochResponseData) m);
            case INIT_PRODUCER_ID -> new InitProducerIdResponse((InitProducerIdResponseData) m);
            case CREATE_TOPICS -> new CreateTopicsResponse((CreateTopicsResponseData) m);
            case DELETE_TOPICS -> new DeleteTopicsResponse((DeleteTopicsResponseData) m);
            case DESCRIBE_CONFIGS -> new DescribeConfigsResponse((DescribeConfigsResponseData) m);
            case FIND_COORDINATOR -> new FindCoordinatorResponse((FindCoordinatorResponseData) m);
            case JOIN_GROUP -> new JoinGroupResponse((JoinGroupResponseData) m, version);
            case SYNC_GROUP -> new SyncGroupResponse((SyncGroupResponseData) m);
            case HEARTBEAT -> new HeartbeatResponse((HeartbeatResponseData) m);
            // Not the (data, version) constructor: it rejects a v0-2 response without exactly one member, which is
            // what Nagare answers a whole-group leave with.
            case LEAVE_GROUP -> new LeaveGroupResponse((LeaveGroupResponseData) m);
            case DESCRIBE_GROUPS -> new DescribeGroupsResponse((DescribeGroupsResponseData) m);
            case LIST_GROUPS -> new ListGroupsResponse((ListGroupsResponseData) m);
            case DELETE_GROUPS -> new DeleteGroupsResponse((DeleteGroupsResponseData) m);
            case OFFSET_COMMIT -> new OffsetCommitResponse((OffsetCommitResponseData) m);
            case OFFSET_FETCH -> new OffsetFetchResponse((OffsetFetchResponseData) m, version);
            case OFFSET_DELETE -> new OffsetDeleteResponse((OffsetDeleteResponseData) m);
            default -> null;
        };
    }
}
