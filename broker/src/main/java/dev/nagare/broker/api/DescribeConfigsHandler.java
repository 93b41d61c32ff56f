package dev.nagare.broker.api;

import java.util.List;
import java.util.Optional;

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

import dev.nagare.broker.config.BrokerConfig;
import dev.nagare.broker.config.TopicConfigs;
import dev.nagare.broker.metadata.TopicInfo;
import dev.nagare.broker.network.ApiHandler;
import dev.nagare.broker.network.Request;
import dev.nagare.broker.partition.PartitionManager;

/**
 * DescribeConfigs for topics (every topic config with its value, source and synonyms: topic override, static broker
 * config, default) and for this broker (every key Nagare honours; static or default). Synonyms and documentation
 * only when asked.
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
                switch (type) {
                    case TOPIC -> describeTopic(resource, data, result);
                    case BROKER -> describeBroker(resource, data, result);
                    default -> throw new InvalidRequestException("Unsupported resource type " + type + " in DescribeConfigs");
                }
            } catch (RuntimeException e) {
                result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
                result.configs().clear();
            }
            response.results().add(result);
        }
        request.respond(response);
    }

    private void describeTopic(DescribeConfigsRequestData.DescribeConfigsResource resource,
                               DescribeConfigsRequestData data, DescribeConfigsResult result) {
        Topic.validate(resource.resourceName());
        Optional<TopicInfo> topic = partitions.topics().get(resource.resourceName());
        if (topic.isEmpty()) {
            throw new UnknownTopicOrPartitionException("The topic '" + resource.resourceName() + "' does not exist.");
        }
        for (TopicConfigs.Entry e : TopicConfigs.describe(topic.get().configs(), partitions.brokerConfig())) {
            if (!wanted(resource.configurationKeys(), e.name())) {
                continue;
            }
            DescribeConfigsResourceResult r = new DescribeConfigsResourceResult()
                    .setName(e.name()).setValue(e.value()).setReadOnly(false).setIsSensitive(false)
                    .setConfigSource(e.source().id)
                    .setConfigType(configType(e.type()).id())
                    .setDocumentation(data.includeDocumentation() ? e.documentation() : null);
            if (data.includeSynonyms()) {
                for (TopicConfigs.Synonym s : e.synonyms()) {
                    r.synonyms().add(new DescribeConfigsSynonym().setName(s.name()).setValue(s.value()).setSource(s.source().id));
                }
            }
            result.configs().add(r);
        }
    }

    private void describeBroker(DescribeConfigsRequestData.DescribeConfigsResource resource,
                                DescribeConfigsRequestData data, DescribeConfigsResult result) {
        String name = resource.resourceName();
        if (!name.isEmpty() && !name.equals(String.valueOf(nodeId))) {
            throw new InvalidRequestException("Unexpected broker id, expected " + nodeId + " or empty string, but received " + name);
        }
        BrokerConfig config = partitions.brokerConfig();
        for (ConfigDef.ConfigKey key : BrokerConfig.DEFINITION.configKeys().values()) {
            if (!wanted(resource.configurationKeys(), key.name)) {
                continue;
            }
            Object value = config.value(key.name);
            TopicConfigs.Source source = config.isSet(key.name) ? TopicConfigs.Source.STATIC_BROKER_CONFIG
                    : TopicConfigs.Source.DEFAULT_CONFIG;
            String text = value == null ? null : ConfigDef.convertToString(value, key.type);
            DescribeConfigsResourceResult r = new DescribeConfigsResourceResult()
                    .setName(key.name).setValue(text).setReadOnly(true).setIsSensitive(false)
                    .setConfigSource(source.id)
                    .setConfigType(configType(key.type).id())
                    .setDocumentation(data.includeDocumentation() ? key.documentation : null);
            if (data.includeSynonyms()) {
                r.synonyms().add(new DescribeConfigsSynonym().setName(key.name).setValue(text).setSource(source.id));
            }
            result.configs().add(r);
        }
    }

    private static boolean wanted(List<String> keys, String name) {
        return keys == null || keys.isEmpty() || keys.contains(name);
    }

    private static DescribeConfigsResponse.ConfigType configType(ConfigDef.Type type) {
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
