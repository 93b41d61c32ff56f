package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.testing.ExternalTools;
import dev.nagare.broker.testing.KafkaTools.Result;
import dev.nagare.broker.testing.TestBroker;

/** kafka-python 2.0.2 (Debian's python3-kafka), with its API version auto-detected, produces to and reads from Nagare. */
class KafkaPythonTest {

    /** Produces 100 keyed records to partition 0, then reads them back with assign + seek, without a group. */
    static final String SCRIPT = """
            import sys
            from kafka import KafkaProducer, KafkaConsumer, TopicPartition
            bootstrap, topic = sys.argv[1], sys.argv[2]
            producer = KafkaProducer(bootstrap_servers=bootstrap, acks=1)
            print("detected api_version %s" % (producer.config["api_version"],), file=sys.stderr)
            futures = [producer.send(topic, key=b"key-%d" % i, value=b"value-%d" % i, partition=0) for i in range(100)]
            producer.flush()
            print("acked " + ",".join(str(f.get(timeout=30).offset) for f in futures))
            producer.close()
            consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=10000)
            tp = TopicPartition(topic, 0)
            consumer.assign([tp])
            consumer.seek(tp, 0)
            read = 0
            for m in consumer:
                print("%d %d %s=%s" % (m.partition, m.offset, m.key.decode(), m.value.decode()))
                read += 1
                if read == 100:
                    break
            consumer.close()
            """;

    @TempDir
    Path dir;

    @Test
    void aHundredKeyedRecordsProducedByKafkaPythonAreReadBackInOrder() throws Exception {
        String python = ExternalTools.python3WithKafkaPython();
        Path script = dir.resolve("produce_and_read.py");
        Files.writeString(script, SCRIPT);
        try (TestBroker broker = TestBroker.start(dir.resolve("data"))) {
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic("py", 2, (short) 1))).all().get();
            }
            Result r = ExternalTools.run(90, (String) null, List.of(python, script.toString(), broker.bootstrap(), "py"));
            StringBuilder expected = new StringBuilder("acked ");
            for (int i = 0; i < 100; i++) {
                expected.append(i).append(i < 99 ? "," : "\n");
            }
            for (int i = 0; i < 100; i++) {
                expected.append("0 ").append(i).append(" key-").append(i).append("=value-").append(i).append('\n');
            }
            assertEquals(expected.toString(), r.stdout(), r.stderr());
            assertEquals(0, r.exitCode(), r.stderr());
        }
    }
}
