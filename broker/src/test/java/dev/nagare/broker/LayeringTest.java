package dev.nagare.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The broker's layers, as DESIGN.md draws them, checked on the imports of the main sources. */
class LayeringTest {

    private static final Path MAIN = Path.of("src/main/java/dev/nagare/broker");

    @Test
    void theGroupCoordinatorImportsNeitherTheNetworkNorTheApiHandlers() throws IOException {
        assertEquals(List.of(), offenders(MAIN.resolve("group"),
                line -> line.contains(" dev.nagare.broker.network.") || line.contains(" dev.nagare.broker.api.")));
    }

    @Test
    void onlyTheGeneratedRecordClassesOfKafkasCoordinatorAreUsed() throws IOException {
        assertEquals(List.of(), offenders(MAIN, line -> line.contains(" org.apache.kafka.coordinator.")
                && !line.contains(" org.apache.kafka.coordinator.group.generated.")
                || line.contains(" kafka.") || line.contains(" org.apache.kafka.server.")
                || line.contains(" org.apache.kafka.storage.") || line.contains(" org.apache.kafka.raft.")));
    }

    @Test
    void theConsoleImportsNoBrokerCodeItOnlyServesFilesThatReadTheJsonApi() throws IOException {
        assertEquals(List.of(), offenders(MAIN.resolve("console"), line -> line.contains(" dev.nagare.")));
    }

    private static List<String> offenders(Path dir, Predicate<String> forbidden) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".java")).filter(p -> {
                try {
                    return Files.readAllLines(p).stream()
                            .anyMatch(line -> line.startsWith("import ") && forbidden.test(line));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).map(Path::toString).collect(Collectors.toList());
        }
    }
}
