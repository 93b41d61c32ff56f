package dev.nagare.broker.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.config.ConfigException;

/**
 * Reads the raw key/value pairs a broker starts with, as {@code kafka-server-start.sh} does: an optional
 * {@code server.properties} file, then {@code --override key=value} pairs, later ones winning.
 */
public final class ServerProperties {

    private ServerProperties() {
    }

    /**
     * @param file      the properties file, or null for none
     * @param overrides {@code key=value} strings
     * @throws ConfigException when the file cannot be read or an override has no {@code =}
     */
    public static Map<String, String> load(Path file, List<String> overrides) {
        Map<String, String> result = new LinkedHashMap<>();
        if (file != null) {
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(reader);
            } catch (IOException e) {
                throw new ConfigException("Cannot read the configuration file " + file + ": " + e.getMessage());
            }
            for (String key : props.stringPropertyNames()) {
                result.put(key, props.getProperty(key).trim());
            }
        }
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("Invalid --override '" + override + "': expected key=value");
            }
            result.put(override.substring(0, eq).trim(), override.substring(eq + 1).trim());
        }
        return result;
    }
}
