package dev.nagare.broker.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.Errors;

import dev.nagare.broker.config.BrokerConfig;
import dev.nagare.broker.config.BrokerLoggers;
import dev.nagare.broker.config.ConfigOps;
import dev.nagare.broker.config.DynamicBrokerConfig;
import dev.nagare.broker.config.TopicConfigs;
import dev.nagare.broker.metadata.DynamicConfigFile;
import dev.nagare.broker.metadata.TopicInfo;
import dev.nagare.broker.network.Request;
import dev.nagare.broker.partition.PartitionManager;

/**
 * AlterConfigs (the resource's whole set of values replaced) and IncrementalAlterConfigs (SET, DELETE, APPEND,
 * SUBTRACT), validate-only too, for a TOPIC (its overrides, persisted with the topic and applied to its logs at once),
 * the BROKER (this node's dynamic configs, or with an empty name the cluster-wide defaults; persisted by
 * {@link DynamicConfigFile} and applied to every log at once) and, incrementally only, a BROKER_LOGGER. Kafka's errors:
 * INVALID_CONFIG for a topic config Kafka would refuse, INVALID_REQUEST for a broker config that cannot change at run
 * time or a wrong broker value, UNKNOWN_TOPIC_OR_PARTITION, INVALID_REQUEST for a resource named twice.
 *
 * <p>Changes to the broker's configs are serialized on this handler, so two concurrent requests cannot lose one
 * another's change.
 */
final class AlterConfigsHandler {

    private final PartitionManager partitions;
    private final int nodeId;

    AlterConfigsHandler(PartitionManager partitions, int nodeId) {
        this.partitions = partitions;
        this.nodeId = nodeId;
    }

    /** The whole new set of values of a resource, or the operations on it. */
    private record Change(ConfigResource.Type type, String name, Map<String, String> replacement, List<ConfigOps.Op> ops) {
    }

    void incrementalAlterConfigs(Request request) {
        IncrementalAlterConfigsRequestData data = request.data();
        List<Change> changes = new ArrayList<>();
        for (IncrementalAlterConfigsRequestData.AlterConfigsResource r : data.resources()) {
            List<ConfigOps.Op> ops = new ArrayList<>();
            for (IncrementalAlterConfigsRequestData.AlterableConfig c : r.configs()) {
                ops.add(new ConfigOps.Op(c.name(), OpType.forId(c.configOperation()), c.value()));
            }
            changes.add(new Change(ConfigResource.Type.forId(r.resourceType()), r.resourceName(), null, ops));
        }
        IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
        for (Result result : alter(changes, data.validateOnly())) {
            response.responses().add(new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
                    .setResourceType(result.change.type.id()).setResourceName(result.change.name)
                    .setErrorCode(result.error.code()).setErrorMessage(result.message));
        }
        request.respond(response);
    }

    void alterConfigs(Request request) {
        AlterConfigsRequestData data = request.data();
        List<Change> changes = new ArrayList<>();
        for (AlterConfigsRequestData.AlterConfigsResource r : data.resources()) {
            Map<String, String> values = new HashMap<>();
            for (AlterConfigsRequestData.AlterableConfig c : r.configs()) {
                values.put(c.name(), c.value());
            }
            changes.add(new Change(ConfigResource.Type.forId(r.resourceType()), r.resourceName(), values, null));
        }
        AlterConfigsResponseData response = new AlterConfigsResponseData();
        for (Result result : alter(changes, data.validateOnly())) {
            response.responses().add(new AlterConfigsResponseData.AlterConfigsResourceResponse()
                    .setResourceType(result.change.type.id()).setResourceName(result.change.name)
                    .setErrorCode(result.error.code()).setErrorMessage(result.message));
        }
        request.respond(response);
    }

    private record Result(Change change, Errors error, String message) {
    }

    private List<Result> alter(List<Change> changes, boolean validateOnly) {
        Set<ConfigResource> seen = new HashSet<>();
        Set<ConfigResource> duplicates = new HashSet<>();
        for (Change c : changes) {
            if (!seen.add(new ConfigResource(c.type, c.name))) {
                duplicates.add(new ConfigResource(c.type, c.name));
            }
        }
        List<Result> results = new ArrayList<>();
        for (Change c : changes) {
            if (duplicates.contains(new ConfigResource(c.type, c.name))) {
                results.add(new Result(c, Errors.INVALID_REQUEST, "Duplicate resource " + c.name));
                continue;
            }
            try {
                switch (c.type) {
                    case TOPIC -> alterTopic(c, validateOnly);
                    case BROKER -> alterBroker(c, validateOnly);
                    case BROKER_LOGGER -> alterLoggers(c, validateOnly);
                    default -> throw new InvalidRequestException("Unsupported resource type " + c.type);
                }
                results.add(new Result(c, Errors.NONE, null));
            } catch (RuntimeException e) {
                results.add(new Result(c, Errors.forException(e), e.getMessage()));
            }
        }
        return results;
    }

    private void alterTopic(Change c, boolean validateOnly) {
        Topic.validate(c.name);
        TopicInfo topic = partitions.topics().get(c.name).orElseThrow(
                () -> new UnknownTopicOrPartitionException("The topic '" + c.name + "' does not exist."));
        Map<String, String> overrides = c.replacement != null ? c.replacement
                : ConfigOps.apply(topic.configs(), c.ops, TopicConfigs::isList, TopicConfigs::defaultValue);
        try {
            TopicConfigs.validate(overrides, partitions.brokerConfig());
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
        if (!validateOnly) {
            partitions.alterTopicConfigs(topic, overrides);
        }
    }

    private synchronized void alterBroker(Change c, boolean validateOnly) {
        boolean clusterDefault = c.name.isEmpty();
        if (!clusterDefault && !c.name.equals(String.valueOf(nodeId))) {
            throw new InvalidRequestException("Unexpected broker id, expected " + nodeId + " or empty string, but received " + c.name);
        }
        BrokerConfig current = partitions.brokerConfig();
        Map<String, String> layer = clusterDefault ? current.dynamicDefaultValues() : current.dynamicBrokerValues();
        Map<String, String> changed = c.replacement != null ? c.replacement
                : ConfigOps.apply(layer, c.ops, DynamicBrokerConfig::isList,
                DynamicBrokerConfig::defaultValue);
        Set<String> named = new HashSet<>();
        if (c.replacement != null) {
            named.addAll(c.replacement.keySet());
            named.addAll(layer.keySet());
        } else {
            c.ops.forEach(op -> named.add(op.name()));
        }
        DynamicBrokerConfig.checkMinInsyncReplicas(clusterDefault, named, changed);
        DynamicConfigFile.Layers layers = clusterDefault
                ? new DynamicConfigFile.Layers(current.dynamicBrokerValues(), changed)
                : new DynamicConfigFile.Layers(changed, current.dynamicDefaultValues());
        BrokerConfig updated = DynamicBrokerConfig.apply(current, layers.perBroker(), layers.clusterDefault());
        if (!validateOnly) {
            DynamicConfigFile.save(current.logDir(), layers);
            partitions.reconfigure(updated);
        }
    }

    private void alterLoggers(Change c, boolean validateOnly) {
        if (!c.name.equals(String.valueOf(nodeId))) {
            throw new InvalidRequestException("Unexpected broker id, expected " + nodeId + ", but received " + c.name);
        }
        if (c.ops == null) {
            throw new InvalidRequestException("AlterConfigs does not support the BROKER_LOGGER resource; use IncrementalAlterConfigs");
        }
        for (ConfigOps.Op op : c.ops) {
            if (op.type() == OpType.APPEND || op.type() == OpType.SUBTRACT) {
                throw new InvalidRequestException(op.type() + " operation is not allowed for the BROKER_LOGGER resource");
            }
            BrokerLoggers.change(op.name(), op.type() == OpType.DELETE ? null : op.value(), false);
        }
        if (!validateOnly) {
            for (ConfigOps.Op op : c.ops) {
                BrokerLoggers.change(op.name(), op.type() == OpType.DELETE ? null : op.value(), true);
            }
        }
    }
}
