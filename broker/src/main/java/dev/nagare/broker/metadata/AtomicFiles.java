package dev.nagare.broker.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Writes small files so that a crash leaves either the old or the new content: write a temporary file, fsync it,
 * rename it over the target, fsync the directory.
 */
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
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        fsyncDirectory(target.getParent());
    }

    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // Some file systems do not allow opening a directory; the rename is still atomic there.
        }
    }
}
