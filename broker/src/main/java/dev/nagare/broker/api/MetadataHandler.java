package dev.nagare.broker.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nagare.broker.metadata.ClusterView;
import dev.nagare.broker.metadata.TopicInfo;
import dev.nagare.broker.network.ApiHandler;
import dev.nagare.broker.network.Request;
import dev.nagare.broker.partition.Partition;
import dev.nagare.broker.partition.PartitionManager;

/**
 * Metadata: this node as the only broker and controller, and the requested topics (all when the list is null, or
 * empty at v0) with this node leading every partition. A topic asked for by name that does not exist is created
 * when {@code auto.create.topics.enable} and the request allow it, and answered once it is ready: such a request is
 * answered on {@link PartitionManager#topicOperations()}, not on the event loop (creating {@code num.partitions}
 * partitions is files to create and metadata to fsync).
 */
final class MetadataHandler implements ApiHandler {

    private static final Logger log = LoggerFactory.getLogger(MetadataHandler.class);

    private final ClusterView cluster;
    private final PartitionManager partitions;

    private final ApiHandler creating;

    MetadataHandler(ClusterView cluster, PartitionManager partitions) {
        this.cluster = cluster;
        this.partitions = partitions;
        this.creating = ApiHandler.onExecutor(this::answer, partitions.topicOperations());
    }

    @Override
    public void handle(Request request) {
        if (mayCreate(request)) {
            creating.handle(request);
        } else {
            answer(request);
        }
    }

    /** True when the request names a topic that does not exist and may be auto-created. */
    private boolean mayCreate(Request request) {
        MetadataRequestData data = request.data();
        if (data.topics() == null || !autoCreate(data, request.version())) {
            return false;
        }
        for (MetadataRequestData.MetadataRequestTopic t : data.topics()) {
            if (t.name() != null && partitions.topics().get(t.name()).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private boolean autoCreate(MetadataRequestData data, short version) {
        return partitions.brokerConfig().autoCreateTopicsEnable() && (version < 4 || data.allowAutoTopicCreation());
    }

    private void answer(Request request) {
        MetadataRequestData data = request.data();
        short version = request.version();
        boolean topicOps = version >= 8 && data.includeTopicAuthorizedOperations();
        MetadataResponseData response = new MetadataResponseData()
                .setClusterId(cluster.clusterId())
                .setControllerId(cluster.nodeId())
                .setClusterAuthorizedOperations(version >= 8 && version <= 10 && data.includeClusterAuthorizedOperations()
                        ? AuthorizedOperations.CLUSTER : AuthorizedOperations.NOT_REQUESTED);
        ClusterView.Endpoint endpoint = cluster.endpoint();
        response.brokers().add(new MetadataResponseData.MetadataResponseBroker()
                .setNodeId(cluster.nodeId()).setHost(endpoint.host()).setPort(endpoint.port()).setRack(null));

        boolean all = data.topics() == null || (version == 0 && data.topics().isEmpty());
        if (all) {
            for (TopicInfo topic : partitions.topics().all()) {
                response.topics().add(describe(topic, topicOps));
            }
        } else {
            boolean autoCreate = autoCreate(data, version);
            for (MetadataRequestData.MetadataRequestTopic requested : data.topics()) {
                response.topics().add(lookup(requested, autoCreate, topicOps));
            }
        }
        request.respond(response);
    }

    private MetadataResponseTopic lookup(MetadataRequestData.MetadataRequestTopic requested, boolean autoCreate,
                                         boolean topicOps) {
        String name = requested.name();
        Uuid id = requested.topicId();
        if (name == null) {
            Optional<TopicInfo> byId = id == null ? Optional.empty() : partitions.topics().get(id);
            return byId.map(t -> describe(t, topicOps)).orElseGet(() -> new MetadataResponseTopic()
                    .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()).setName(null).setTopicId(id == null ? Uuid.ZERO_UUID : id)
                    .setTopicAuthorizedOperations(AuthorizedOperations.NOT_REQUESTED));
        }
        Optional<TopicInfo> topic = partitions.topics().get(name);
        if (topic.isPresent()) {
            return describe(topic.get(), topicOps);
        }
        Errors error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
        try {
            Topic.validate(name);
            if (autoCreate && !Topic.isInternal(name)) {
                try {
                    TopicInfo created = partitions.createTopic(partitions.validateNewTopic(name, -1, (short) -1, java.util.Map.of()));
                    return describe(created, topicOps);
                } catch (org.apache.kafka.common.errors.TopicExistsException raced) {
                    return partitions.topics().get(name).map(t -> describe(t, topicOps))
                            .orElseGet(() -> errorTopic(name, Errors.UNKNOWN_TOPIC_OR_PARTITION));
                } catch (RuntimeException e) {
                    log.info("Cannot auto-create topic {}: {}", name, e.getMessage());
                    error = Errors.forException(e);
                }
            }
        } catch (InvalidTopicException e) {
            error = Errors.INVALID_TOPIC_EXCEPTION;
        }
        return errorTopic(name, error);
    }

    private static MetadataResponseTopic errorTopic(String name, Errors error) {
        return new MetadataResponseTopic().setErrorCode(error.code()).setName(name)
                .setTopicId(Uuid.ZERO_UUID).setIsInternal(false)
                .setTopicAuthorizedOperations(AuthorizedOperations.NOT_REQUESTED);
    }

    private MetadataResponseTopic describe(TopicInfo topic, boolean topicOps) {
        List<MetadataResponsePartition> parts = new ArrayList<>(topic.partitions());
        List<Integer> replicas = List.of(cluster.nodeId());
        for (int p = 0; p < topic.partitions(); p++) {
            parts.add(new MetadataResponsePartition()
                    .setPartitionIndex(p)
                    .setLeaderId(cluster.nodeId())
                    .setLeaderEpoch(Partition.LEADER_EPOCH)
                    .setReplicaNodes(replicas)
                    .setIsrNodes(replicas)
                    .setOfflineReplicas(List.of()));
        }
        return new MetadataResponseTopic()
                .setName(topic.name())
                .setTopicId(topic.id())
                .setIsInternal(topic.isInternal())
                .setPartitions(parts)
                .setTopicAuthorizedOperations(topicOps ? AuthorizedOperations.TOPIC : AuthorizedOperations.NOT_REQUESTED);
    }
}
