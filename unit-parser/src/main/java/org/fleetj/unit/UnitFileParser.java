package org.fleetj.unit;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads unit file text into the ordered (section, name, value) options that fleet hashes.
 *
 * <p>The behaviour follows fleet's parser (go-systemd's {@code unit.Deserialize} of fleet's era) because the
 * unit hash is the SHA1 of the re-serialized options: any difference in what ends up in a value would give
 * a different hash than fleet for the same file. The rules:
 * <ul>
 *   <li>Lines are separated by {@code \n}. Leading whitespace of a line is ignored; whitespace means Go's
 *       {@code unicode.IsSpace} (see {@link GoText}), which includes {@code \r}, so CRLF files work.</li>
 *   <li>A line starting with {@code #} or {@code ;} is a comment and dropped. As in go-systemd, a comment line
 *       that ends in a backslash (one trailing space allowed) also swallows the next line.</li>
 *   <li>{@code [Name]} starts a section; anything but whitespace after {@code ]} is an error, as is a missing
 *       {@code ]} or an empty name.</li>
 *   <li>{@code Name=Value}: split at the first {@code =}, both sides trimmed. Repeated names are kept, in order.
 *       An option before the first section, a line with no {@code =}, or an empty name is an error.</li>
 *   <li>Continuation: a value whose line ends in a backslash (nothing after it) continues on the next line, and
 *       the backslash and newline stay in the value verbatim; continuation lines are taken whole (a {@code #}
 *       line inside a continuation is part of the value); a blank line ends the value (if the value then ends
 *       in backslash-newline, that newline is kept). No escape sequences are interpreted.</li>
 *   <li>A line may hold at most 2047 bytes (UTF-8) plus its newline, i.e. 2048 with the newline: go-systemd's
 *       {@code SYSTEMD_LINE_MAX} check, which fleet relies on to refuse lines systemd would truncate.</li>
 *   <li>Beyond go-systemd (which accepts them silently): NUL characters, invalid UTF-8 and unpaired surrogates
 *       are errors, since systemd refuses such files and they cannot be hashed the same way everywhere. A UTF-8
 *       byte order mark at the very start is skipped, as systemd does.</li>
 * </ul>
 *
 * <p>Why not ini4j (which the project card names): evaluated with 0.5.4 configured for multi-options,
 * multi-sections, no escapes and strict operators, it (1) groups repeated keys by name, so interleaved options
 * such as {@code Description=x, After=a, Description=y} come back reordered, which changes fleet's hash;
 * (2) does not keep a continued value verbatim (with escapes off the next line becomes a separate option, with
 * escapes on the backslash-newline is removed and other backslash sequences are rewritten); (3) accepts
 * {@code Name: value} as an option where systemd/fleet see no {@code =}; and (4) has no line numbers, no line
 * length limit and no comment-continuation rule. Getting exactly fleet's behaviour would mean pre- and
 * post-processing around it, so this small hand-written reader is simpler and verifiable line by line.
 */
final class UnitFileParser {
    /** go-systemd's SYSTEMD_LINE_MAX: a line and its newline must fit in this many bytes. */
    static final int LINE_MAX_BYTES = 2048;
    /**
     * Largest unit file accepted (1 MiB): fleet's API refuses larger request bodies, and etcd larger requests
     * (1.5 MiB by default), so a larger file could never be stored; refusing it here says why.
     */
    public static final int FILE_MAX_BYTES = 1024 * 1024;

    private static final char BOM = '\uFEFF';

    private UnitFileParser() {
    }

    /** Parses UTF-8 bytes; invalid UTF-8 is a {@link UnitParseException} naming the line. */
    static List<UnitOption> parse(byte[] utf8) throws UnitParseException {
        if (utf8 == null) throw new UnitParseException("no unit file content (null)");
        checkSize(utf8.length);
        return parse(decodeStrictUtf8(utf8));
    }

    static List<UnitOption> parse(String text) throws UnitParseException {
        if (text == null) throw new UnitParseException("no unit file content (null)");
        if (text.length() > FILE_MAX_BYTES / 3) checkSize(text.getBytes(StandardCharsets.UTF_8).length);
        if (!text.isEmpty() && text.charAt(0) == BOM) text = text.substring(1);
        Lines lines = Lines.split(text);
        lines.checkCharactersAndLengths();
        return new Reader(lines).read();
    }

    private static void checkSize(long bytes) throws UnitParseException {
        if (bytes > FILE_MAX_BYTES) {
            throw new UnitParseException("unit file too large: " + bytes + " bytes, the limit is " + FILE_MAX_BYTES + " bytes (1 MiB)");
        }
    }

    private static String decodeStrictUtf8(byte[] bytes) throws UnitParseException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) {
            int bad = in.position();
            int line = 1;
            for (int i = 0; i < bad; i++) if (bytes[i] == '\n') line++;
            throw new UnitParseException(String.format(
                    "not valid UTF-8 (byte 0x%02x at offset %d); unit files must be UTF-8 text",
                    bytes[bad] & 0xff, bad), line);
        }
        decoder.flush(out);
        out.flip();
        return out.toString();
    }

    /** The physical lines of the text, each with whether a {@code \n} ended it. */
    private static final class Lines {
        final List<String> content = new ArrayList<>();
        boolean lastTerminated;

        static Lines split(String text) {
            Lines l = new Lines();
            int start = 0;
            while (true) {
                int nl = text.indexOf('\n', start);
                if (nl < 0) break;
                l.content.add(text.substring(start, nl));
                start = nl + 1;
            }
            if (start < text.length()) {
                // go-systemd drops a trailing \r only when no \n follows (its toEOL trims "\r" before "\n").
                String last = text.substring(start);
                if (last.endsWith("\r")) last = last.substring(0, last.length() - 1);
                l.content.add(last);
                l.lastTerminated = false;
            } else {
                l.lastTerminated = true;
            }
            return l;
        }

        int size() {
            return content.size();
        }

        String get(int i) {
            return content.get(i);
        }

        /** Whether line {@code i} (0-based) ended with a newline rather than the end of the text. */
        boolean terminated(int i) {
            return i < content.size() - 1 || lastTerminated;
        }

        void checkCharactersAndLengths() throws UnitParseException {
            for (int i = 0; i < content.size(); i++) {
                String s = content.get(i);
                int bytes = 0;
                for (int k = 0; k < s.length(); k++) {
                    char c = s.charAt(k);
                    if (c == 0) {
                        throw new UnitParseException("NUL character at column " + (k + 1)
                                + "; unit files are text and may not contain NUL", i + 1);
                    }
                    if (c < 0x80) {
                        bytes += 1;
                    } else if (c < 0x800) {
                        bytes += 2;
                    } else if (Character.isHighSurrogate(c) && k + 1 < s.length() && Character.isLowSurrogate(s.charAt(k + 1))) {
                        bytes += 4;
                        k++;
                    } else if (Character.isSurrogate(c)) {
                        throw new UnitParseException("unpaired UTF-16 surrogate at column " + (k + 1)
                                + "; unit files must be valid Unicode text", i + 1);
                    } else {
                        bytes += 3;
                    }
                }
                // A \r before the \n counts as part of the line end, as go-systemd's window check treats it.
                int contentBytes = s.endsWith("\r") ? bytes - 1 : bytes;
                if (contentBytes > LINE_MAX_BYTES - 1) {
                    throw new UnitParseException("line too long: " + contentBytes + " bytes; at most "
                            + (LINE_MAX_BYTES - 1) + " bytes plus the newline (" + LINE_MAX_BYTES
                            + " in all) are allowed, as systemd truncates longer lines", i + 1);
                }
            }
        }
    }

    /** One pass over the lines, producing options. */
    private static final class Reader {
        private final Lines lines;
        private final List<UnitOption> options = new ArrayList<>();
        private String section;
        private int next;

        Reader(Lines lines) {
            this.lines = lines;
        }

        List<UnitOption> read() throws UnitParseException {
            while (next < lines.size()) {
                int lineNo = next + 1;
                String line = lines.get(next);
                int start = GoText.firstNonSpace(line, 0);
                if (start == line.length()) {
                    next++;
                } else if (isCommentStart(line.charAt(start))) {
                    skipComment();
                } else if (line.charAt(start) == '[') {
                    section = sectionName(line.substring(start), lineNo);
                    next++;
                } else {
                    readOption(line.substring(start), lineNo);
                }
            }
            return options;
        }

        private static boolean isCommentStart(char c) {
            return c == '#' || c == ';';
        }

        /** Drops a comment line and, as go-systemd does, the lines its trailing backslashes continue onto. */
        private void skipComment() {
            while (next < lines.size()) {
                String s = lines.get(next);
                boolean continues = lines.terminated(next);
                next++;
                if (s.endsWith(" ")) s = s.substring(0, s.length() - 1);
                if (!continues || !s.endsWith("\\")) return;
            }
        }

        private static String sectionName(String header, int lineNo) throws UnitParseException {
            int close = header.indexOf(']');
            if (close < 0) {
                throw new UnitParseException("malformed section header " + quote(header)
                        + ": no closing ']' on this line", lineNo);
            }
            String rest = header.substring(close + 1);
            if (!GoText.isBlank(rest)) {
                throw new UnitParseException("malformed section header " + quote(header)
                        + ": unexpected text " + quote(GoText.trim(rest)) + " after ']'", lineNo);
            }
            String name = header.substring(1, close);
            if (name.isEmpty()) {
                throw new UnitParseException("malformed section header \"[]\": the section name is empty", lineNo);
            }
            return name;
        }

        private void readOption(String body, int lineNo) throws UnitParseException {
            if (section == null) {
                throw new UnitParseException("option " + quote(abbreviate(body))
                        + " appears before the first [Section] header", lineNo);
            }
            int eq = body.indexOf('=');
            if (eq < 0) {
                throw new UnitParseException("no '=' in " + quote(abbreviate(body))
                        + ": expected Name=Value, a [Section] header, a comment or a blank line", lineNo);
            }
            String rawName = body.substring(0, eq);
            if (rawName.indexOf('\r') >= 0) {
                throw new UnitParseException("carriage return inside option name " + quote(abbreviate(rawName)), lineNo);
            }
            String name = GoText.trim(rawName);
            if (name.isEmpty()) {
                throw new UnitParseException("option with an empty name (line starts with '=')", lineNo);
            }
            options.add(new UnitOption(section, name, readValue(body.substring(eq + 1))));
        }

        /**
         * Reads the value starting with {@code first} (the rest of line {@code next}) plus any continuation
         * lines, leaving {@code next} at the first line after the value.
         */
        private String readValue(String first) {
            StringBuilder value = new StringBuilder();
            String segment = first;
            while (true) {
                if (GoText.isBlank(segment)) {
                    next++;
                    break;
                }
                value.append(segment);
                boolean continues = segment.endsWith("\\") && lines.terminated(next);
                next++;
                if (!continues) break;
                value.append('\n');
                if (next >= lines.size()) break;
                segment = lines.get(next);
            }
            String v = value.toString();
            // A value cut short by a blank line keeps its final backslash-newline (go-systemd does the same).
            return v.endsWith("\n") ? GoText.trim(v) + "\n" : GoText.trim(v);
        }

        private static String abbreviate(String s) {
            return s.length() > 60 ? s.substring(0, 60) + "..." : s;
        }

        private static String quote(String s) {
            StringBuilder sb = new StringBuilder("\"");
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    sb.append('\\').append(c);
                } else if (c < 0x20 || c == 0x7f) {
                    sb.append(String.format("\\x%02x", (int) c));
                } else {
                    sb.append(c);
                }
            }
            return sb.append('"').toString();
        }
    }
}
