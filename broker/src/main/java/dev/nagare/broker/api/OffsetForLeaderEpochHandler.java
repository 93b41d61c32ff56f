package dev.nagare.broker.api;

import java.util.Optional;

import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.Errors;

import dev.nagare.broker.metadata.TopicInfo;
import dev.nagare.broker.network.ApiHandler;
import dev.nagare.broker.network.Request;
import dev.nagare.broker.partition.Partition;
import dev.nagare.broker.partition.PartitionManager;

/**
 * OffsetForLeaderEpoch, which consumers use to validate their position after a metadata change. A single node has
 * led every partition in one epoch ({@link Partition#LEADER_EPOCH}), so that epoch ends at the log end offset and
 * any other epoch is unknown (-1, -1). A current leader epoch newer than ours is UNKNOWN_LEADER_EPOCH, older is
 * FENCED_LEADER_EPOCH.
 */
final class OffsetForLeaderEpochHandler implements ApiHandler {

    private final TopicLookup lookup;

    OffsetForLeaderEpochHandler(PartitionManager partitions) {
        this.lookup = new TopicLookup(partitions);
    }

    @Override
    public void handle(Request request) {
        OffsetForLeaderEpochRequestData data = request.data();
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
        for (OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic : data.topics()) {
            OffsetForLeaderTopicResult result = new OffsetForLeaderTopicResult().setTopic(topic.topic());
            Optional<TopicInfo> info = lookup.topic(topic.topic(), null, false);
            for (OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p : topic.partitions()) {
                EpochEndOffset e = new EpochEndOffset().setPartition(p.partition()).setLeaderEpoch(-1).setEndOffset(-1);
                try {
                    Partition partition = lookup.partition(info, false, p.partition());
                    Partition.checkLeaderEpoch(p.currentLeaderEpoch());
                    if (p.leaderEpoch() == Partition.LEADER_EPOCH) {
                        e.setLeaderEpoch(Partition.LEADER_EPOCH).setEndOffset(partition.log().logEndOffset());
                    }
                } catch (RuntimeException ex) {
                    e.setErrorCode(Errors.forException(ex).code());
                }
                result.partitions().add(e);
            }
            response.topics().add(result);
        }
        request.respond(response);
    }
}
