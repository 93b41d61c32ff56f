package dev.nagare.broker.metadata;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import dev.nagare.storage.AtomicFile;

/** The broker's small metadata files as properties, replaced atomically through the storage engine's {@link AtomicFile}. */
final class AtomicFiles {

    private AtomicFiles() {
    }

    static void writeProperties(Path target, Map<String, String> values) throws IOException {
        StringBuilder text = new StringBuilder();
        Properties escaper = new Properties();
        for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
            escaper.clear();
            escaper.setProperty(e.getKey(), e.getValue());
            java.io.StringWriter w = new java.io.StringWriter();
            escaper.store(w, null);
            // Properties.store writes a date comment line first; keep only the entry.
            for (String line : w.toString().split("\n")) {
                if (!line.startsWith("#")) {
                    text.append(line.strip()).append('\n');
                }
            }
        }
        write(target, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, String> readProperties(Path file) throws IOException {
        Properties props = new Properties();
        try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        }
        Map<String, String> out = new TreeMap<>();
        for (String k : props.stringPropertyNames()) {
            out.put(k, props.getProperty(k));
        }
        return out;
    }

    static void write(Path target, byte[] content) throws IOException {
        AtomicFile.write(target, content);
    }

    static void fsyncDirectory(Path dir) {
        AtomicFile.fsyncDirectory(dir);
    }
}
