package org.fleetj.e2e;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The lines fleet's tables are expected to have, written down independently of fleetctl's own formatter:
 * Go's text/tabwriter as fleetctl configures it (minwidth 0, tabwidth 8, padding 1, pad character TAB). A
 * column is as wide as its widest cell plus one, rounded up to a multiple of 8; a cell is followed by as many
 * tabs as it takes to reach that width; the last cell of a line has no padding.
 */
final class GoTable {
    private static final int TAB_WIDTH = 8;

    private GoTable() {
    }

    /** Each row is its cells; every row must have the same number of cells (as fleetctl's tables do). */
    static List<String> lines(List<List<String>> rows) {
        int columns = rows.get(0).size();
        int[] width = new int[columns];
        for (List<String> row : rows) {
            if (row.size() != columns) throw new IllegalArgumentException("ragged table: " + rows);
            for (int i = 0; i < columns - 1; i++) width[i] = Math.max(width[i], row.get(i).length() + 1);
        }
        for (int i = 0; i < columns - 1; i++) width[i] = (width[i] + TAB_WIDTH - 1) / TAB_WIDTH * TAB_WIDTH;
        List<String> out = new ArrayList<>();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns - 1; i++) {
                String cell = row.get(i);
                line.append(cell).append("\t".repeat((width[i] - cell.length() + TAB_WIDTH - 1) / TAB_WIDTH));
            }
            line.append(row.get(columns - 1));
            out.add(line.toString());
        }
        return out;
    }

    static List<String> lines(String[]... rows) {
        return lines(Arrays.stream(rows).map(List::of).toList());
    }

    static List<String> row(String... cells) {
        return List.of(cells);
    }
}
