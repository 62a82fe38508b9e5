package org.fleetj.fleetctl.output;

import org.fleetj.unit.GoQuote;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields a list command can print, by the name used in {@code --fields}. Renders fleet's tables:
 * the header is the chosen field names upper-cased, cells are TAB-separated and aligned by {@link TabWriter}.
 */
public final class Columns<T> {
    private final Map<String, Column<T>> byName = new LinkedHashMap<>();

    public Columns<T> add(String name, Column<T> column) {
        byName.put(name, column);
        return this;
    }

    /**
     * Parses a {@code --fields} value into field names, with fleet's messages for bad input.
     *
     * @throws InvalidFieldsException when empty or naming an unknown field
     */
    public List<String> parseFields(String fields) {
        if (fields == null || fields.isEmpty()) {
            throw new InvalidFieldsException("Must define output format");
        }
        List<String> names = new ArrayList<>();
        for (String name : fields.split(",", -1)) {
            if (!byName.containsKey(name)) {
                throw new InvalidFieldsException("Invalid key in output format: " + GoQuote.q(name));
            }
            names.add(name);
        }
        return names;
    }

    /** The table text: an optional legend line, then one line per row, each ending in a newline. */
    public String render(List<String> fields, List<T> rows, boolean full, boolean legend) {
        StringBuilder text = new StringBuilder();
        if (legend) {
            text.append(String.join("\t", fields).toUpperCase(java.util.Locale.ROOT)).append('\n');
        }
        for (T row : rows) {
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) text.append('\t');
                text.append(byName.get(fields.get(i)).value(row, full));
            }
            text.append('\n');
        }
        return TabWriter.align(text.toString());
    }
}
