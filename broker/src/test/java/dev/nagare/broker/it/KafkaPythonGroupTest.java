package dev.nagare.broker.it;

import org.junit.jupiter.api.Test;

import dev.nagare.broker.testing.GroupClient;

/**
 * kafka-python 2.0.2 (Debian's python3-kafka, run by the system's python3; test resource
 * {@code clients/group_member.py}) in Nagare's consumer groups. It commits synchronously after each poll. It has no
 * static membership: 2.0.2 sends JoinGroup v0–v2 and has no {@code group_instance_id} setting, so the static-member
 * scenario is not run for it. The offset-expiry scenarios are in {@link GroupOffsetExpiryTest}.
 */
class KafkaPythonGroupTest extends GroupScenarios {

    @Override
    GroupClient client() {
        return GroupClient.KAFKA_PYTHON;
    }

    @Test
    void kafkaPythonGroupsEachReceiveEveryRecord() throws Exception {
        everyGroupReceivesEveryRecord();
    }

    @Test
    void kafkaPythonMembersOfOneGroupDivideThePartitionsWithoutOverlap() throws Exception {
        partitionsAreDividedAmongMembersWithoutOverlap();
    }

    @Test
    void kafkaPythonGroupRebalancesWhenAMemberJoinsLeavesOrDies() throws Exception {
        membersJoiningLeavingAndDyingRebalanceThePartitions();
    }

    @Test
    void kafkaPythonCommittedOffsetSurvivesConsumerRestartAndBrokerRestart() throws Exception {
        committedOffsetSurvivesConsumerRestartAndBrokerRestart();
    }

    @Test
    void kafkaPythonReceivesUncommittedRecordsAgainAfterACrash() throws Exception {
        uncommittedRecordsAreDeliveredAgainAfterACrash();
    }
}
