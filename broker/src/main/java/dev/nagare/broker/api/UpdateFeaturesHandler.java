package dev.nagare.broker.api;

import java.util.LinkedHashSet;
import java.util.Set;

import org.apache.kafka.common.errors.InvalidUpdateVersionException;
import org.apache.kafka.common.message.UpdateFeaturesRequestData;
import org.apache.kafka.common.message.UpdateFeaturesResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.UpdateFeaturesRequest;

import dev.nagare.broker.network.ApiHandler;
import dev.nagare.broker.network.Request;

/**
 * UpdateFeatures (validate-only too): every feature has the one level of {@link Features}, so an update that keeps it
 * succeeds and changes nothing; anything else fails the whole request with INVALID_UPDATE_VERSION and Kafka's
 * message, as Kafka's controller answers an update it cannot make. Success carries one result per feature up to v1
 * (v2 has none), as Kafka's does.
 */
final class UpdateFeaturesHandler implements ApiHandler {

    private final int nodeId;

    UpdateFeaturesHandler(int nodeId) {
        this.nodeId = nodeId;
    }

    @Override
    public void handle(Request request) {
        UpdateFeaturesRequestData data = request.data();
        Set<String> features = new LinkedHashSet<>();
        try {
            for (UpdateFeaturesRequest.FeatureUpdateItem item : new UpdateFeaturesRequest(data, request.version()).featureUpdates()) {
                Features.checkUpdate(item.feature(), item.versionLevel(), item.upgradeType(), nodeId);
                features.add(item.feature());
            }
        } catch (InvalidUpdateVersionException e) {
            request.respond(new UpdateFeaturesResponseData().setErrorCode(Errors.forException(e).code())
                    .setErrorMessage("The update failed for all features since the following feature had an error: " + e.getMessage()));
            return;
        }
        UpdateFeaturesResponseData response = new UpdateFeaturesResponseData().setErrorMessage(null);
        for (String feature : features) { // v2 has no results; the field is ignorable, so they are dropped there
            response.results().add(new UpdateFeaturesResponseData.UpdatableFeatureResult().setFeature(feature)
                    .setErrorCode(Errors.NONE.code()).setErrorMessage(ApiError.NONE.messageWithFallback())); // "NONE", as Kafka
        }
        request.respond(response);
    }
}
