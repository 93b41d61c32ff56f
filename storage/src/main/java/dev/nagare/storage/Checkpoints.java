package dev.nagare.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * An offset checkpoint file ({@code recovery-point-offset-checkpoint}, {@code log-start-offset-checkpoint},
 * {@code cleaner-offset-checkpoint}) in Kafka's text format, UTF-8, one item per line, {@code \n} line ends:
 * <pre>
 * 0                      version
 * 2                      number of entries
 * orders 0 1234          topic, partition, offset separated by one space
 * orders 1 987
 * </pre>
 * Written atomically: to {@code <name>.tmp}, fsynced, renamed over the old file. A missing or malformed file reads
 * as empty (every partition is then recovered from its first segment).
 *
 * <p>Stateless; callers serialize writes of one file (LogManager's checkpoint lock, LogCleaner's).
 */
final class Checkpoints {
    private Checkpoints() {
    }

    static void write(Path file, Map<TopicPartition, Long> offsets) throws IOException {
        StringBuilder sb = new StringBuilder().append("0\n").append(offsets.size()).append('\n');
        offsets.forEach((tp, off) -> sb.append(tp.topic()).append(' ').append(tp.partition()).append(' ')
                .append(off).append('\n'));
        AtomicFile.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Map<TopicPartition, Long> read(Path file) {
        Map<TopicPartition, Long> out = new HashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.size() < 2 || !lines.get(0).trim().equals("0")) {
                return Map.of();
            }
            int n = Integer.parseInt(lines.get(1).trim());
            if (lines.size() < 2 + n) {
                return Map.of();
            }
            for (int i = 0; i < n; i++) {
                String[] parts = lines.get(2 + i).trim().split(" ");
                if (parts.length != 3) {
                    return Map.of();
                }
                out.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }
}
