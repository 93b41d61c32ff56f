package dev.nagare.broker.api;

import java.util.Map;

import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.common.errors.InvalidUpdateVersionException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.FinalizedFeatureKey;
import org.apache.kafka.common.message.ApiVersionsResponseData.SupportedFeatureKey;

/**
 * The feature levels (KIP-584) this node supports and has finalized, as ApiVersions (v3+) carries them and
 * DescribeFeatures reads them: only {@code metadata.version}, at Kafka 4.1's production level 27 (4.1-IV1), the level
 * whose APIs Nagare answers. The features a Kafka 4.1 node also finalizes are left out because Nagare does not do
 * what they switch on: {@code group.version} 1 (the KIP-848 consumer protocol), {@code transaction.version} 2,
 * {@code eligible.leader.replicas.version}, {@code kraft.version} (there is no KRaft quorum). Nothing ever changes
 * them, so the epoch stays 0.
 *
 * <p>Immutable.
 */
final class Features {

    static final String METADATA_VERSION = "metadata.version";
    /** Kafka 4.1's {@code MetadataVersion.latestProduction()}, 4.1-IV1. */
    static final short METADATA_VERSION_LEVEL = 27;
    static final long EPOCH = 0;

    /** Feature name → its one supported and finalized level. */
    private static final Map<String, Short> LEVELS = Map.of(METADATA_VERSION, METADATA_VERSION_LEVEL);

    private Features() {
    }

    /** Adds the supported and finalized features to an ApiVersions response (tagged fields; ignored below v3). */
    static void addTo(ApiVersionsResponseData response) {
        response.setFinalizedFeaturesEpoch(EPOCH);
        LEVELS.forEach((name, level) -> {
            response.supportedFeatures().add(new SupportedFeatureKey().setName(name).setMinVersion(level).setMaxVersion(level));
            response.finalizedFeatures().add(new FinalizedFeatureKey().setName(name)
                    .setMinVersionLevel(level).setMaxVersionLevel(level));
        });
    }

    /**
     * Checks an UpdateFeatures item as Kafka's controller does, in its order; only a no-op passes here, since each
     * feature has one level.
     *
     * @throws InvalidUpdateVersionException why not, in Kafka's words
     */
    static void checkUpdate(String feature, short level, FeatureUpdate.UpgradeType type, int nodeId) {
        String reason = reason(feature, level, type, nodeId);
        if (reason != null) {
            throw new InvalidUpdateVersionException("Invalid update version " + level + " for feature " + feature + ". " + reason);
        }
    }

    private static String reason(String feature, short level, FeatureUpdate.UpgradeType type, int nodeId) {
        if (type == FeatureUpdate.UpgradeType.UNKNOWN) {
            return "The controller does not support the given upgrade type.";
        }
        Short supported = LEVELS.get(feature);
        short current = supported == null ? 0 : supported;
        if (level < 0) {
            return "A feature version cannot be less than 0.";
        }
        if (level > current && type != FeatureUpdate.UpgradeType.UPGRADE) {
            return "Can't downgrade to a newer version.";
        }
        if (level < current && type == FeatureUpdate.UpgradeType.UPGRADE) {
            return "Can't downgrade the version of this feature without setting the upgrade type to either safe or unsafe downgrade.";
        }
        if (supported == null) {
            return level == 0 ? "Feature " + feature + " not found." : "Local controller " + nodeId + " does not support this feature.";
        }
        if (level != supported) {
            return "Local controller " + nodeId + " only supports versions " + supported + "-" + supported;
        }
        return null;
    }
}
