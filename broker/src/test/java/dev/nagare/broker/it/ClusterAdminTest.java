package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.SupportedVersionRange;
import org.apache.kafka.clients.admin.TopicListing;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.InvalidUpdateVersionException;
import org.apache.kafka.common.message.UpdateFeaturesRequestData;
import org.apache.kafka.common.message.UpdateFeaturesRequestData.FeatureUpdateKey;
import org.apache.kafka.common.requests.UpdateFeaturesRequest;
import org.apache.kafka.common.requests.UpdateFeaturesResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.nagare.broker.testing.KafkaTools;
import dev.nagare.broker.testing.RawClient;
import dev.nagare.broker.testing.SharedBroker;
import dev.nagare.broker.testing.TestBroker;

/**
 * The AdminClient's view of the cluster: topics with authorized operations, internal topics, the cluster, and the
 * finalized features with UpdateFeatures. Operations, messages and response shapes are what a Kafka 4.1 node answered
 * (checked with {@code /work/shared/tools/peer-kafka}); only the feature set differs, on purpose (see
 * {@code api/Features}): Kafka 4.1 also finalizes group, transaction, ELR and kraft versions and supports
 * metadata.version 7-27.
 */
class ClusterAdminTest {

    @RegisterExtension
    static final SharedBroker shared = new SharedBroker();

    @Test
    void describeTopicsAndClusterListTheOperationsKafkaAllowsWithoutAnAuthorizer() throws Exception {
        shared.broker().createTopic("ops", 1, Map.of());
        try (Admin admin = shared.broker().admin()) {
            Set<AclOperation> topicOps = admin.describeTopics(List.of("ops"), new DescribeTopicsOptions().includeAuthorizedOperations(true))
                    .allTopicNames().get().get("ops").authorizedOperations();
            assertEquals(Set.of(AclOperation.ALTER_CONFIGS, AclOperation.ALTER, AclOperation.DESCRIBE_CONFIGS, AclOperation.CREATE,
                    AclOperation.READ, AclOperation.DELETE, AclOperation.DESCRIBE, AclOperation.WRITE), topicOps);
            assertEquals(null, admin.describeTopics(List.of("ops")).allTopicNames().get().get("ops").authorizedOperations(),
                    "not asked, not answered");

            DescribeClusterResult cluster = admin.describeCluster(new DescribeClusterOptions().includeAuthorizedOperations(true));
            Node self = new Node(1, "127.0.0.1", shared.broker().port());
            assertEquals(List.of(self), List.copyOf(cluster.nodes().get()));
            assertEquals(self, cluster.controller().get());
            assertEquals(Set.of(AclOperation.ALTER_CONFIGS, AclOperation.ALTER, AclOperation.DESCRIBE_CONFIGS, AclOperation.CREATE,
                    AclOperation.IDEMPOTENT_WRITE, AclOperation.DESCRIBE, AclOperation.CLUSTER_ACTION), cluster.authorizedOperations().get());
            assertEquals(22, cluster.clusterId().get().length(), "a base64 uuid");
        }
    }

    @Test
    void consumerOffsetsIsListedOnlyWhenInternalTopicsAreAskedFor() throws Exception {
        shared.broker().createTopic("listed", 1, Map.of());
        try (Admin admin = shared.broker().admin()) {
            admin.alterConsumerGroupOffsets("listing-group", Map.of(new TopicPartition("listed", 0), new OffsetAndMetadata(0))).all().get();
            Map<String, TopicListing> plain = admin.listTopics().namesToListings().get();
            assertEquals(false, plain.containsKey("__consumer_offsets"), plain.toString());
            assertEquals(false, plain.get("listed").isInternal());
            Map<String, TopicListing> all = admin.listTopics(new ListTopicsOptions().listInternal(true)).namesToListings().get();
            assertEquals(true, all.get("__consumer_offsets").isInternal());
            assertEquals(false, all.get("listed").isInternal());
        }
    }

    @Test
    void describeFeaturesFinalizesMetadataVersion27() throws Exception {
        try (Admin admin = shared.broker().admin()) {
            FeatureMetadata features = admin.describeFeatures().featureMetadata().get();
            assertEquals(Map.of("metadata.version", new FinalizedVersionRange((short) 27, (short) 27)), features.finalizedFeatures());
            assertEquals(Map.of("metadata.version", new SupportedVersionRange((short) 27, (short) 27)), features.supportedFeatures());
            assertEquals(Optional.of(0L), features.finalizedFeaturesEpoch());
        }
        KafkaTools.Result r = KafkaTools.run(shared.broker().bootstrap(), "org.apache.kafka.tools.FeatureCommand", "describe").assertSuccess();
        assertEquals("Feature: metadata.version\tSupportedMinVersion: 4.1-IV1\tSupportedMaxVersion: 4.1-IV1\t"
                + "FinalizedVersionLevel: 4.1-IV1\tEpoch: 0\n", r.stdout());
    }

    @Test
    void updateFeaturesKeepsTheOneLevelAndRefusesAnyOtherWithKafkasMessage() throws Exception {
        try (Admin admin = shared.broker().admin()) {
            for (boolean validateOnly : List.of(true, false)) {
                admin.updateFeatures(Map.of("metadata.version", new FeatureUpdate((short) 27, FeatureUpdate.UpgradeType.UPGRADE)),
                        new UpdateFeaturesOptions().validateOnly(validateOnly)).all().get();
            }
            String failed = "The update failed for all features since the following feature had an error: ";
            assertRefused(admin, "metadata.version", 28, FeatureUpdate.UpgradeType.UPGRADE,
                    failed + "Invalid update version 28 for feature metadata.version. Local controller 1 only supports versions 27-27");
            assertRefused(admin, "metadata.version", 26, FeatureUpdate.UpgradeType.SAFE_DOWNGRADE,
                    failed + "Invalid update version 26 for feature metadata.version. Local controller 1 only supports versions 27-27");
            assertRefused(admin, "metadata.version", 20, FeatureUpdate.UpgradeType.UPGRADE,
                    failed + "Invalid update version 20 for feature metadata.version. Can't downgrade the version of this feature"
                            + " without setting the upgrade type to either safe or unsafe downgrade.");
            assertRefused(admin, "group.version", 1, FeatureUpdate.UpgradeType.UPGRADE,
                    failed + "Invalid update version 1 for feature group.version. Local controller 1 does not support this feature.");
            assertRefused(admin, "group.version", 1, FeatureUpdate.UpgradeType.SAFE_DOWNGRADE,
                    failed + "Invalid update version 1 for feature group.version. Can't downgrade to a newer version.");
            assertEquals(Map.of("metadata.version", new FinalizedVersionRange((short) 27, (short) 27)),
                    admin.describeFeatures().featureMetadata().get().finalizedFeatures());
        }
        KafkaTools.Result r = KafkaTools.run(shared.broker().bootstrap(), "org.apache.kafka.tools.FeatureCommand",
                "upgrade", "--feature", "metadata.version=28");
        assertEquals(1, r.exitCode());
        assertEquals("Could not upgrade metadata.version to 28. The update failed for all features since the following feature"
                + " had an error: Invalid update version 28 for feature metadata.version. Local controller 1 only supports"
                + " versions 27-27", r.stdout().strip());
    }

    @Test
    void updateFeaturesAnswersEachVersionInKafkasShape() throws Exception {
        try (RawClient raw = new RawClient("127.0.0.1", shared.broker().port())) {
            for (short v = 0; v <= 2; v++) {
                UpdateFeaturesRequestData keep = new UpdateFeaturesRequestData().setTimeoutMs(5000);
                keep.featureUpdates().add(new FeatureUpdateKey().setFeature("metadata.version").setMaxVersionLevel((short) 27)
                        .setUpgradeType(FeatureUpdate.UpgradeType.UPGRADE.code()));
                UpdateFeaturesResponse ok = raw.roundTrip(new UpdateFeaturesRequest.Builder(keep).build(v));
                assertEquals(v < 2 ? "UpdateFeaturesResponseData(throttleTimeMs=0, errorCode=0, errorMessage=null, results=["
                        + "UpdatableFeatureResult(feature='metadata.version', errorCode=0, errorMessage='NONE')])"
                        : "UpdateFeaturesResponseData(throttleTimeMs=0, errorCode=0, errorMessage=null, results=[])",
                        ok.data().toString(), "v" + v);

                FeatureUpdateKey below = keep.featureUpdates().iterator().next().setMaxVersionLevel((short) -1);
                if (v == 0) {
                    below.setAllowDowngrade(true); // v0's way of saying SAFE_DOWNGRADE
                } else {
                    below.setUpgradeType(FeatureUpdate.UpgradeType.SAFE_DOWNGRADE.code());
                }
                UpdateFeaturesResponse refused = raw.roundTrip(new UpdateFeaturesRequest.Builder(keep).build(v));
                assertEquals("UpdateFeaturesResponseData(throttleTimeMs=0, errorCode=95, errorMessage='The update failed for all"
                        + " features since the following feature had an error: Invalid update version -1 for feature"
                        + " metadata.version. A feature version cannot be less than 0.', results=[])", refused.data().toString(), "v" + v);
            }
        }
    }

    private static void assertRefused(Admin admin, String feature, int level, FeatureUpdate.UpgradeType type, String message) {
        for (boolean validateOnly : List.of(true, false)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> admin.updateFeatures(
                    Map.of(feature, new FeatureUpdate((short) level, type)), new UpdateFeaturesOptions().validateOnly(validateOnly)).all().get());
            assertInstanceOf(InvalidUpdateVersionException.class, e.getCause());
            assertEquals(message, e.getCause().getMessage());
        }
    }
}
