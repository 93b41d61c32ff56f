package dev.nagare.broker.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A table as Kafka's command-line tools print it (kafka-consumer-groups and others): a header line of column names
 * padded to the column widths, then one line per row whose cells start where their column's name starts, up to the
 * first blank line. A cell may hold a space ({@code 127.0.0.1:9092  (1)} under {@code COORDINATOR (ID)}), which is why
 * cells are cut at the header's positions rather than split at spaces.
 */
public record ToolTable(List<String> columns, List<List<String>> rows) {

    /**
     * Finds the header made of exactly {@code columns} in a tool's output and reads the rows below it.
     *
     * @throws AssertionError when the output holds no such header, or a cell overflows into the next column
     */
    public static ToolTable parse(String output, String... columns) {
        List<String> lines = output.lines().toList();
        String wanted = String.join(" ", columns);
        int header = -1;
        for (int i = 0; i < lines.size() && header < 0; i++) {
            if (lines.get(i).trim().replaceAll(" +", " ").equals(wanted)) {
                header = i;
            }
        }
        if (header < 0) {
            throw new AssertionError("no table with the columns [" + wanted + "] in:\n" + output);
        }
        String headerLine = lines.get(header);
        int[] starts = new int[columns.length];
        for (int c = 0, from = 0; c < columns.length; c++) {
            starts[c] = headerLine.indexOf(columns[c], from);
            from = starts[c] + columns[c].length();
        }
        List<List<String>> rows = new ArrayList<>();
        for (int i = header + 1; i < lines.size() && !lines.get(i).isBlank(); i++) {
            String line = lines.get(i);
            List<String> cells = new ArrayList<>();
            for (int c = 0; c < columns.length; c++) {
                if (c > 0 && line.length() > starts[c] && line.charAt(starts[c] - 1) != ' ') {
                    throw new AssertionError("the cell before " + columns[c] + " overflows into it: '" + line + "' in:\n" + output);
                }
                int end = c + 1 < columns.length ? Math.min(starts[c + 1], line.length()) : line.length();
                cells.add(starts[c] < line.length() ? line.substring(starts[c], end).trim() : "");
            }
            rows.add(List.copyOf(cells));
        }
        return new ToolTable(List.of(columns), List.copyOf(rows));
    }

    /** The rows in a fixed order (by their cells, left to right): the tools print partitions and members unordered. */
    public List<List<String>> sortedRows() {
        Comparator<List<String>> byCells = (a, b) -> {
            for (int i = 0; i < a.size(); i++) {
                int c = a.get(i).compareTo(b.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        };
        return rows.stream().sorted(byCells).toList();
    }
}
