package org.fleetj.fleetd.api;

import org.fleetj.unit.GoQuote;
import java.util.ArrayList;
import java.util.List;
import org.fleetj.api.ApiUnitOption;
import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitOption;
import org.fleetj.unit.UnitParseException;

/**
 * Turns the options of a PUT into a {@link UnitFile}, refusing anything systemd or fleet's own
 * serialization could not carry, with the option's position and the reason. As fleet does, the result
 * is also serialized and parsed back: a unit whose options do not survive that round trip (so whose
 * hash would not describe what the agent writes) is refused.
 */
final class UnitOptionsValidator {
    private UnitOptionsValidator() {
    }

    static UnitFile toUnitFile(List<ApiUnitOption> options) throws ApiException {
        List<UnitOption> out = new ArrayList<>(options.size());
        for (int i = 0; i < options.size(); i++) {
            ApiUnitOption o = options.get(i);
            String where = "options[" + i + "]";
            if (o == null) throw ApiException.badRequest(where + " is null; each option is an object with section, name and value");
            // fleet stored an option without a section, which no unit file can hold: refused (README, "Where we differ")
            String section = require(where, "section", o.section());
            String name = require(where, "name", o.name());
            // fleet leaves empty values out of its JSON, so a missing value is the empty string
            String value = o.value() == null ? "" : o.value();
            where = where + " (" + GoQuote.q(section) + " " + GoQuote.q(name) + ")";
            checkCharacters(where, "section", section, true);
            checkCharacters(where, "name", name, true);
            checkCharacters(where, "value", value, false);
            if (section.indexOf('[') >= 0 || section.indexOf(']') >= 0) {
                throw ApiException.badRequest(where + ": section must not contain '[' or ']'");
            }
            if (name.indexOf('=') >= 0) throw ApiException.badRequest(where + ": name must not contain '='");
            if (name.startsWith("[") || name.startsWith("#") || name.startsWith(";")) {
                throw ApiException.badRequest(where + ": name must not start with '[', '#' or ';'");
            }
            out.add(new UnitOption(section, name, value));
        }
        UnitFile unit = UnitFile.of(out);
        try {
            UnitFile reparsed = UnitFile.parse(unit.serialize());
            if (!reparsed.options().equals(unit.options())) {
                throw ApiException.badRequest("unit options do not survive serialization: "
                        + firstDifference(unit.options(), reparsed.options())
                        + " (leading/trailing whitespace or a trailing backslash in a name or value is not preserved by unit files)");
            }
        } catch (UnitParseException e) {
            throw ApiException.badRequest("invalid unit options: " + e.getMessage());
        }
        return unit;
    }

    private static String require(String where, String field, String value) throws ApiException {
        if (value == null || value.isEmpty()) throw ApiException.badRequest(where + ": " + field + " is missing or empty");
        return value;
    }

    /**
     * No control characters (a tab is fine in a value, and so is a newline right after a backslash: that is
     * a line continuation, kept in the value by fleet's parser as by ours), no unpaired surrogates, names
     * without spaces.
     */
    private static void checkCharacters(String where, String field, String s, boolean isKey) throws ApiException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' && !isKey && i > 0 && s.charAt(i - 1) == '\\') continue;
            if (c == 0) {
                throw ApiException.badRequest(where + ": " + field + " contains a NUL character at position " + (i + 1));
            }
            if ((c < 0x20 && !(c == '\t' && !isKey)) || c == 0x7f) {
                throw ApiException.badRequest(where + ": " + field + " contains control character "
                        + String.format("\\x%02x", (int) c) + " at position " + (i + 1));
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
                continue;
            }
            if (Character.isSurrogate(c)) {
                throw ApiException.badRequest(where + ": " + field + " contains an unpaired UTF-16 surrogate at position " + (i + 1));
            }
            if (isKey && Character.isWhitespace(c) && field.equals("name")) {
                throw ApiException.badRequest(where + ": name must not contain whitespace");
            }
        }
    }

    private static String firstDifference(List<UnitOption> sent, List<UnitOption> reparsed) {
        int n = Math.min(sent.size(), reparsed.size());
        for (int i = 0; i < n; i++) {
            UnitOption a = sent.get(i);
            UnitOption b = reparsed.get(i);
            if (!a.equals(b)) {
                return "option " + (i + 1) + " " + GoQuote.q(a.section()) + " " + GoQuote.q(a.name()) + "=" + GoQuote.q(a.value())
                        + " reads back as " + GoQuote.q(b.section()) + " " + GoQuote.q(b.name()) + "=" + GoQuote.q(b.value());
            }
        }
        return sent.size() + " options read back as " + reparsed.size();
    }
}
