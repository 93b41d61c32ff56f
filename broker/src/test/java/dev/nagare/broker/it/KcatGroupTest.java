package dev.nagare.broker.it;

import org.junit.jupiter.api.Test;

import dev.nagare.broker.testing.GroupClient;

/**
 * kcat's balanced consumer ({@code kcat -G}: librdkafka 2.0.2 from Debian, classic eager protocol, range assignor)
 * in Nagare's consumer groups. It commits by auto-commit and on close. librdkafka supports static membership
 * ({@code group.instance.id}, KIP-345), so the static-member scenario runs here; the offset-expiry scenarios are in
 * {@link GroupOffsetExpiryTest}.
 */
class KcatGroupTest extends GroupScenarios {

    @Override
    GroupClient client() {
        return GroupClient.KCAT;
    }

    @Test
    void kcatGroupsEachReceiveEveryRecord() throws Exception {
        everyGroupReceivesEveryRecord();
    }

    @Test
    void kcatMembersOfOneGroupDivideThePartitionsWithoutOverlap() throws Exception {
        partitionsAreDividedAmongMembersWithoutOverlap();
    }

    @Test
    void kcatGroupRebalancesWhenAMemberJoinsLeavesOrDies() throws Exception {
        membersJoiningLeavingAndDyingRebalanceThePartitions();
    }

    @Test
    void kcatCommittedOffsetSurvivesConsumerRestartAndBrokerRestart() throws Exception {
        committedOffsetSurvivesConsumerRestartAndBrokerRestart();
    }

    @Test
    void kcatReceivesUncommittedRecordsAgainAfterACrash() throws Exception {
        uncommittedRecordsAreDeliveredAgainAfterACrash();
    }

    @Test
    void kcatStaticMemberRejoinsWithinItsSessionTimeoutWithoutARebalance() throws Exception {
        staticMemberRejoinsWithinItsSessionTimeoutWithoutARebalance();
    }
}
