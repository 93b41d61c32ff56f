package dev.nagare.broker.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small parser of the Prometheus text format (0.0.4) for tests: every sample line becomes a series — metric name
 * plus its labels — and a value; comments ({@code # HELP}, {@code # TYPE}) are skipped, and a line that is not a
 * sample fails the parse. Immutable once parsed.
 */
public final class PrometheusText {

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;
    private final Map<String, Double> byKey = new HashMap<>();

    private PrometheusText(List<Sample> samples) {
        this.samples = List.copyOf(samples);
        for (Sample s : samples) {
            if (byKey.put(key(s.name(), s.labels()), s.value()) != null) {
                throw new IllegalArgumentException("Series repeated: " + key(s.name(), s.labels()));
            }
        }
    }

    public static PrometheusText parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            out.add(sample(line));
        }
        return new PrometheusText(out);
    }

    private static Sample sample(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new TreeMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq);
                if (line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("Unquoted label value in: " + line);
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(next == 'n' ? '\n' : next);
                    } else {
                        value.append(c);
                    }
                }
                labels.put(label, value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        String[] rest = line.substring(i).trim().split(" ");
        return new Sample(name, labels, number(rest[0]));
    }

    private static double number(String s) {
        return switch (s) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    private static String key(String name, Map<String, String> labels) {
        return name + new TreeMap<>(labels);
    }

    /**
     * The value of one series.
     *
     * @param labelPairs label name, value, name, value …
     * @throws AssertionError when the series is absent
     */
    public double value(String name, String... labelPairs) {
        Map<String, String> labels = new TreeMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            labels.put(labelPairs[i], labelPairs[i + 1]);
        }
        Double v = byKey.get(key(name, labels));
        if (v == null) {
            throw new AssertionError("No series " + key(name, labels) + " in the scrape");
        }
        return v;
    }

    /** The value of a series, or {@code absent} when the scrape has none. */
    public double valueOr(double absent, String name, String... labelPairs) {
        try {
            return value(name, labelPairs);
        } catch (AssertionError e) {
            return absent;
        }
    }

    /** Every sample of one metric name. */
    public List<Sample> samples(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }
}
