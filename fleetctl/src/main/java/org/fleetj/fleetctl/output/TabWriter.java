package org.fleetj.fleetctl.output;

import java.util.ArrayList;
import java.util.List;

/**
 * Aligns tab-separated text the way Go's {@code text/tabwriter} does with fleetctl's settings
 * (minwidth 0, tabwidth 8, padding 1, pad character TAB), so our tables are byte-identical to fleet's.
 *
 * <p>The rules: a cell is text terminated by a TAB; the text after a line's last TAB is not a cell and
 * is never padded. A column is aligned only over a block of consecutive lines that all have a cell in
 * it. A column is as wide as its widest cell plus the padding, rounded up to a multiple of the tab
 * width, and each cell is followed by as many TABs as it takes to reach that width.
 */
public final class TabWriter {
    private static final int TAB_WIDTH = 8;
    private static final int PADDING = 1;

    private final List<List<String>> lines;
    private final StringBuilder out = new StringBuilder();
    private final List<Integer> widths = new ArrayList<>();

    private TabWriter(List<List<String>> lines) {
        this.lines = lines;
    }

    /** Aligns {@code text}; a trailing text without a final newline is kept without one. */
    public static String align(String text) {
        List<List<String>> lines = new ArrayList<>();
        int start = 0;
        while (start <= text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl;
            lines.add(splitCells(text.substring(start, end)));
            if (nl < 0) break;
            start = nl + 1;
        }
        TabWriter writer = new TabWriter(lines);
        writer.format(0, lines.size());
        return writer.out.toString();
    }

    private static List<String> splitCells(String line) {
        List<String> cells = new ArrayList<>();
        int start = 0;
        int tab;
        while ((tab = line.indexOf('\t', start)) >= 0) {
            cells.add(line.substring(start, tab));
            start = tab + 1;
        }
        cells.add(line.substring(start));
        return cells;
    }

    /** Lays out the column {@code widths.size()} over lines [from, to), recursing into the columns right of it. */
    private void format(int from, int to) {
        int column = widths.size();
        int pending = from;
        int line = from;
        while (line < to) {
            if (!hasCell(line, column)) {
                line++;
                continue;
            }
            writeLines(pending, line);
            int blockStart = line;
            int width = 0;
            while (line < to && hasCell(line, column)) {
                width = Math.max(width, textWidth(lines.get(line).get(column)) + PADDING);
                line++;
            }
            widths.add(width);
            format(blockStart, line);
            widths.remove(widths.size() - 1);
            pending = line;
        }
        writeLines(pending, to);
    }

    /** Whether the line has a TAB-terminated cell in that column. */
    private boolean hasCell(int line, int column) {
        return column < lines.get(line).size() - 1;
    }

    private void writeLines(int from, int to) {
        for (int i = from; i < to; i++) {
            List<String> cells = lines.get(i);
            for (int j = 0; j < cells.size(); j++) {
                String cell = cells.get(j);
                out.append(cell);
                if (j < widths.size()) {
                    pad(textWidth(cell), widths.get(j));
                }
            }
            if (i + 1 < lines.size()) {
                out.append('\n');
            }
        }
    }

    private void pad(int textWidth, int cellWidth) {
        int rounded = (cellWidth + TAB_WIDTH - 1) / TAB_WIDTH * TAB_WIDTH;
        int tabs = (rounded - textWidth + TAB_WIDTH - 1) / TAB_WIDTH;
        for (int t = 0; t < tabs; t++) out.append('\t');
    }

    private static int textWidth(String cell) {
        return cell.codePointCount(0, cell.length());
    }
}
