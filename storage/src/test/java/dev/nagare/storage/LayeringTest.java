package dev.nagare.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The storage module knows nothing of the broker nor of Kafka's server-side jars. */
class LayeringTest {
    @Test
    void noStorageSourceImportsTheBrokerOrKafkaServerCode() throws Exception {
        Path main = Paths.get("src/main/java");
        try (Stream<Path> files = Files.walk(main)) {
            List<String> offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> {
                        try {
                            return Files.readAllLines(p).stream().anyMatch(line -> line.startsWith("import ")
                                    && (line.contains(" dev.nagare.broker") || line.contains(" kafka.")
                                    || line.contains("org.apache.kafka.storage") || line.contains("org.apache.kafka.server")));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .map(Path::toString).collect(Collectors.toList());
            assertEquals(List.of(), offenders);
        }
    }
}
