package dev.nagare.broker.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A table as Kafka's command-line tools print one: a header of column names, then one line per row, every cell
 * left-aligned where its column's name starts, columns two spaces apart, no trailing spaces. Scripts cut the cells at
 * the header's positions; a cell may hold spaces. Not thread-safe.
 */
final class TextTable {

    private final List<String> columns;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(String... columns) {
        this.columns = List.of(columns);
    }

    /** Adds a row; each cell is printed with {@link String#valueOf(Object)}. */
    TextTable row(Object... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException(cells.length + " cells for the columns " + columns);
        }
        rows.add(Arrays.stream(cells).map(String::valueOf).toList());
        return this;
    }

    void print(PrintWriter out) {
        int[] widths = new int[columns.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = columns.get(c).length();
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        printLine(out, columns, widths);
        for (List<String> row : rows) {
            printLine(out, row, widths);
        }
    }

    private static void printLine(PrintWriter out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < widths.length; c++) {
            line.append(cells.get(c));
            if (c + 1 < widths.length) {
                line.append(" ".repeat(widths[c] - cells.get(c).length() + 2));
            }
        }
        out.println(line.toString().stripTrailing());
    }
}
