package dev.nagare.broker.api;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.Errors;

import dev.nagare.broker.metadata.TopicInfo;
import dev.nagare.broker.network.ApiHandler;
import dev.nagare.broker.network.Request;
import dev.nagare.broker.partition.Partition;
import dev.nagare.broker.partition.PartitionManager;

/**
 * DescribeLogDirs: the one log directory, with the size of every asked-for partition's segments (all partitions
 * when the topic list is null), offset lag 0 and no future replica (there is nothing to move between directories);
 * from v4 also the file system's total and usable bytes. Topics and partitions this node does not have are left out,
 * as Kafka does.
 */
final class DescribeLogDirsHandler implements ApiHandler {

    private final PartitionManager partitions;

    DescribeLogDirsHandler(PartitionManager partitions) {
        this.partitions = partitions;
    }

    @Override
    public void handle(Request request) {
        DescribeLogDirsRequestData data = request.data();
        Path dir = partitions.brokerConfig().logDir().toAbsolutePath().normalize();
        DescribeLogDirsResult result = new DescribeLogDirsResult().setLogDir(dir.toString());
        if (data.topics() == null) {
            for (TopicInfo topic : partitions.topics().all()) {
                add(result, topic.name(), IntStream.range(0, topic.partitions()).boxed().toList());
            }
        } else {
            for (DescribeLogDirsRequestData.DescribableLogDirTopic t : data.topics()) {
                add(result, t.topic(), t.partitions());
            }
        }
        if (request.version() >= 4) {
            try {
                FileStore store = Files.getFileStore(dir);
                result.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
            } catch (IOException e) {
                result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code()).topics().clear();
            }
        }
        request.respond(new DescribeLogDirsResponseData().setResults(List.of(result)));
    }

    private void add(DescribeLogDirsResult result, String topic, List<Integer> indexes) {
        DescribeLogDirsTopic described = new DescribeLogDirsTopic().setName(topic);
        for (int p : indexes) {
            partitions.partition(new TopicPartition(topic, p)).map(Partition::log).ifPresent(l ->
                    described.partitions().add(new DescribeLogDirsPartition().setPartitionIndex(p)
                            .setPartitionSize(l.size()).setOffsetLag(0).setIsFutureKey(false)));
        }
        if (!described.partitions().isEmpty()) {
            result.topics().add(described);
        }
    }
}
