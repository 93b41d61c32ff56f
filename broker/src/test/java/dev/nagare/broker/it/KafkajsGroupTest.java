package dev.nagare.broker.it;

import org.junit.jupiter.api.Test;

import dev.nagare.broker.testing.GroupClient;

/**
 * kafkajs (npm, version pinned in test.sh, run by the machine's node; test resource {@code clients/group_member.js})
 * in Nagare's consumer groups. It commits after each batch (autoCommit). It has no static membership: its JoinGroup
 * v5 request can carry a group instance id, but its consumer never sets one and offers no option for it, so the
 * static-member scenario is not run for it. The offset-expiry scenarios are in {@link GroupOffsetExpiryTest}.
 */
class KafkajsGroupTest extends GroupScenarios {

    @Override
    GroupClient client() {
        return GroupClient.KAFKAJS;
    }

    @Test
    void kafkajsGroupsEachReceiveEveryRecord() throws Exception {
        everyGroupReceivesEveryRecord();
    }

    @Test
    void kafkajsMembersOfOneGroupDivideThePartitionsWithoutOverlap() throws Exception {
        partitionsAreDividedAmongMembersWithoutOverlap();
    }

    @Test
    void kafkajsGroupRebalancesWhenAMemberJoinsLeavesOrDies() throws Exception {
        membersJoiningLeavingAndDyingRebalanceThePartitions();
    }

    @Test
    void kafkajsCommittedOffsetSurvivesConsumerRestartAndBrokerRestart() throws Exception {
        committedOffsetSurvivesConsumerRestartAndBrokerRestart();
    }

    @Test
    void kafkajsReceivesUncommittedRecordsAgainAfterACrash() throws Exception {
        uncommittedRecordsAreDeliveredAgainAfterACrash();
    }
}
