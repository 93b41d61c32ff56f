package dev.nagare.broker.api;

import java.util.regex.Pattern;

import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.Errors;

import dev.nagare.broker.network.ApiHandler;
import dev.nagare.broker.network.Request;

/**
 * ApiVersions: the APIs and version ranges this broker implements, exactly those of {@link Apis}. A version newer
 * than ours is answered by the network layer (KIP-511). v3+ client software name and version must match Kafka's
 * pattern, else INVALID_REQUEST; v3+ also carries the {@link Features}.
 */
final class ApiVersionsHandler implements ApiHandler {

    private static final Pattern SOFTWARE = Pattern.compile("[a-zA-Z0-9](?:[a-zA-Z0-9\\-.]*[a-zA-Z0-9])?");

    private final ApiVersionsResponseData.ApiVersionCollection supported;

    ApiVersionsHandler(ApiVersionsResponseData.ApiVersionCollection supported) {
        this.supported = supported;
    }

    @Override
    public void handle(Request request) {
        ApiVersionsRequestData data = request.data();
        ApiVersionsResponseData response = new ApiVersionsResponseData().setApiKeys(supported.duplicate());
        Features.addTo(response);
        if (request.version() >= 3 && !(SOFTWARE.matcher(data.clientSoftwareName()).matches()
                && SOFTWARE.matcher(data.clientSoftwareVersion()).matches())) {
            response.setErrorCode(Errors.INVALID_REQUEST.code());
        }
        request.respond(response);
    }
}
