package dev.nagare.broker.api;

import java.util.EnumMap;
import java.util.Map;

import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.utils.Time;

import dev.nagare.broker.group.CoordinatorRuntime;
import dev.nagare.broker.metadata.ClusterView;
import dev.nagare.broker.metadata.ProducerIdAllocator;
import dev.nagare.broker.network.ApiHandler;
import dev.nagare.broker.partition.PartitionManager;

/**
 * The APIs this broker serves, each with its handler; every version kafka-clients defines for them is served, and
 * exactly this list is what ApiVersions advertises.
 */
public final class Apis {

    private final Map<ApiKeys, ApiHandler> handlers = new EnumMap<>(ApiKeys.class);
    private final ApiVersionsResponseData.ApiVersionCollection versions = new ApiVersionsResponseData.ApiVersionCollection();

    public Apis(ClusterView cluster, PartitionManager partitions, ProducerIdAllocator producerIds,
                CoordinatorRuntime groups, Time time) {
        this(cluster, partitions, producerIds, groups, time, TopicTraffic.NONE);
    }

    /** As above, telling {@code traffic} of the bytes produced to and fetched from each topic. */
    public Apis(ClusterView cluster, PartitionManager partitions, ProducerIdAllocator producerIds,
                CoordinatorRuntime groups, Time time, TopicTraffic traffic) {
        var config = partitions.brokerConfig();
        register(ApiKeys.API_VERSIONS, new ApiVersionsHandler(versions));
        register(ApiKeys.METADATA, new MetadataHandler(cluster, partitions));
        register(ApiKeys.DESCRIBE_CLUSTER, new DescribeClusterHandler(cluster));
        register(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, new DescribeTopicPartitionsHandler(partitions, cluster.nodeId()));
        register(ApiKeys.PRODUCE, new ProduceHandler(partitions, traffic));
        register(ApiKeys.FETCH, new FetchHandler(partitions, config.maxIncrementalFetchSessionCacheSlots(),
                config.fetchMaxBytes(), time, traffic));
        register(ApiKeys.LIST_OFFSETS, new ListOffsetsHandler(partitions));
        register(ApiKeys.OFFSET_FOR_LEADER_EPOCH, new OffsetForLeaderEpochHandler(partitions));
        register(ApiKeys.INIT_PRODUCER_ID, new InitProducerIdHandler(producerIds));
        register(ApiKeys.CREATE_TOPICS, ApiHandler.onExecutor(new CreateTopicsHandler(partitions, cluster.nodeId()),
                partitions.topicOperations()));
        register(ApiKeys.DELETE_TOPICS, ApiHandler.onExecutor(new DeleteTopicsHandler(partitions),
                partitions.topicOperations()));
        register(ApiKeys.DESCRIBE_CONFIGS, new DescribeConfigsHandler(partitions, cluster.nodeId()));
        registerTopicOperations(partitions, cluster.nodeId());
        AlterConfigsHandler alterConfigs = new AlterConfigsHandler(partitions, cluster.nodeId());
        register(ApiKeys.ALTER_CONFIGS, alterConfigs::alterConfigs);
        register(ApiKeys.INCREMENTAL_ALTER_CONFIGS, alterConfigs::incrementalAlterConfigs);
        GroupHandlers group = new GroupHandlers(groups, cluster);
        register(ApiKeys.FIND_COORDINATOR, group::findCoordinator);
        register(ApiKeys.JOIN_GROUP, group::joinGroup);
        register(ApiKeys.SYNC_GROUP, group::syncGroup);
        register(ApiKeys.HEARTBEAT, group::heartbeat);
        register(ApiKeys.LEAVE_GROUP, group::leaveGroup);
        register(ApiKeys.DESCRIBE_GROUPS, group::describeGroups);
        register(ApiKeys.LIST_GROUPS, group::listGroups);
        register(ApiKeys.DELETE_GROUPS, group::deleteGroups);
        OffsetHandlers offsets = new OffsetHandlers(groups, partitions.topics());
        register(ApiKeys.OFFSET_COMMIT, offsets::offsetCommit);
        register(ApiKeys.OFFSET_FETCH, offsets::offsetFetch);
        register(ApiKeys.OFFSET_DELETE, offsets::offsetDelete);
    }

    /** Issue 7's partition, record, log-dir, producer and feature operations. */
    private void registerTopicOperations(PartitionManager partitions, int nodeId) {
        register(ApiKeys.CREATE_PARTITIONS, ApiHandler.onExecutor(new CreatePartitionsHandler(partitions, nodeId),
                partitions.topicOperations()));
        register(ApiKeys.DELETE_RECORDS, new DeleteRecordsHandler(partitions));
        register(ApiKeys.DESCRIBE_LOG_DIRS, new DescribeLogDirsHandler(partitions));
        register(ApiKeys.DESCRIBE_PRODUCERS, new DescribeProducersHandler(partitions));
        register(ApiKeys.UPDATE_FEATURES, new UpdateFeaturesHandler(nodeId));
    }

    private void register(ApiKeys key, ApiHandler handler) {
        handlers.put(key, handler);
        versions.add(new ApiVersionsResponseData.ApiVersion()
                .setApiKey(key.id).setMinVersion(key.oldestVersion()).setMaxVersion(key.latestVersion()));
    }

    public Map<ApiKeys, ApiHandler> handlers() {
        return handlers;
    }

    public ApiVersionsResponseData.ApiVersionCollection versions() {
        return versions;
    }
}
