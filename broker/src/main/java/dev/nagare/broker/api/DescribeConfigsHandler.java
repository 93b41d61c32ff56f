package dev.nagare.broker.api;

import java.util.List;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsResponse;

import dev.nagare.broker.config.BrokerLoggers;
import dev.nagare.broker.config.DescribedConfig;
import dev.nagare.broker.config.DynamicBrokerConfig;
import dev.nagare.broker.config.TopicConfigs;
import dev.nagare.broker.metadata.TopicInfo;
import dev.nagare.broker.network.ApiHandler;
import dev.nagare.broker.network.Request;
import dev.nagare.broker.partition.PartitionManager;

/**
 * DescribeConfigs as a single Kafka broker answers it: a TOPIC (every topic config with its value, source and
 * synonyms: topic override, this broker's dynamic value, the cluster-wide dynamic default, static broker config,
 * default), the BROKER by its id (every key Nagare honours, read-only unless it may change at run time) or by the
 * empty name (the cluster-wide dynamic defaults), and BROKER_LOGGER (every logger's level). Synonyms and
 * documentation only when asked.
 */
final class DescribeConfigsHandler implements ApiHandler {

    private final PartitionManager partitions;
    private final int nodeId;

    DescribeConfigsHandler(PartitionManager partitions, int nodeId) {
        this.partitions = partitions;
        this.nodeId = nodeId;
    }

    @Override
    public void handle(Request request) {
        DescribeConfigsRequestData data = request.data();
        DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        for (DescribeConfigsRequestData.DescribeConfigsResource resource : data.resources()) {
            DescribeConfigsResult result = new DescribeConfigsResult()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            try {
                ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
                List<DescribedConfig> configs = switch (type) {
                    case TOPIC -> describeTopic(resource.resourceName());
                    case BROKER -> describeBroker(resource.resourceName());
                    case BROKER_LOGGER -> {
                        checkBrokerId(resource.resourceName(), false);
                        yield BrokerLoggers.describe();
                    }
                    default -> throw new InvalidRequestException("Unsupported resource type " + type + " in DescribeConfigs");
                };
                for (DescribedConfig c : configs) {
                    if (wanted(resource.configurationKeys(), c.name())) {
                        result.configs().add(toResult(c, data));
                    }
                }
            } catch (RuntimeException e) {
                result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
                result.configs().clear();
            }
            response.results().add(result);
        }
        request.respond(response);
    }

    private List<DescribedConfig> describeTopic(String name) {
        Topic.validate(name);
        TopicInfo topic = partitions.topics().get(name).orElseThrow(
                () -> new UnknownTopicOrPartitionException("The topic '" + name + "' does not exist."));
        return TopicConfigs.describe(topic.configs(), partitions.brokerConfig());
    }

    private List<DescribedConfig> describeBroker(String name) {
        checkBrokerId(name, true);
        return name.isEmpty() ? DynamicBrokerConfig.describeClusterDefaults(partitions.brokerConfig())
                : DynamicBrokerConfig.describe(partitions.brokerConfig());
    }

    private void checkBrokerId(String name, boolean emptyAllowed) {
        if (!(emptyAllowed && name.isEmpty()) && !name.equals(String.valueOf(nodeId))) {
            throw new InvalidRequestException("Unexpected broker id, expected " + nodeId
                    + (emptyAllowed ? " or empty string" : "") + ", but received " + name);
        }
    }

    private static DescribeConfigsResourceResult toResult(DescribedConfig c, DescribeConfigsRequestData data) {
        DescribeConfigsResourceResult r = new DescribeConfigsResourceResult()
                .setName(c.name()).setValue(c.value()).setReadOnly(c.readOnly()).setIsSensitive(c.sensitive())
                .setConfigSource(c.source().id())
                .setConfigType(configType(c.type()).id())
                .setDocumentation(data.includeDocumentation() ? c.documentation() : null);
        if (data.includeSynonyms()) {
            for (DescribedConfig.Synonym s : c.synonyms()) {
                r.synonyms().add(new DescribeConfigsSynonym().setName(s.name()).setValue(s.value()).setSource(s.source().id()));
            }
        }
        return r;
    }

    private static boolean wanted(List<String> keys, String name) {
        return keys == null || keys.isEmpty() || keys.contains(name);
    }

    private static DescribeConfigsResponse.ConfigType configType(ConfigDef.Type type) {
        if (type == null) {
            return DescribeConfigsResponse.ConfigType.UNKNOWN;
        }
        return switch (type) {
            case BOOLEAN -> DescribeConfigsResponse.ConfigType.BOOLEAN;
            case STRING -> DescribeConfigsResponse.ConfigType.STRING;
            case INT -> DescribeConfigsResponse.ConfigType.INT;
            case SHORT -> DescribeConfigsResponse.ConfigType.SHORT;
            case LONG -> DescribeConfigsResponse.ConfigType.LONG;
            case DOUBLE -> DescribeConfigsResponse.ConfigType.DOUBLE;
            case LIST -> DescribeConfigsResponse.ConfigType.LIST;
            case CLASS -> DescribeConfigsResponse.ConfigType.CLASS;
            case PASSWORD -> DescribeConfigsResponse.ConfigType.PASSWORD;
        };
    }
}
