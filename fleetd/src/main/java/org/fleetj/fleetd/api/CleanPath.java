package org.fleetj.fleetd.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The clean form of a request path as fleet's Go HTTP server computes it (path.Clean, keeping a trailing slash):
 * repeated slashes collapse, {@code .} segments go, {@code ..} removes the segment before it. fleet redirects a
 * request for an unclean path (301, {@code Location} the clean one, a small HTML body), so fleetd does too.
 */
final class CleanPath {
    private CleanPath() {
    }

    static String of(String path) {
        if (path.isEmpty()) return "/";
        Deque<String> segments = new ArrayDeque<>();
        for (String s : path.split("/")) {
            if (s.isEmpty() || s.equals(".")) continue;
            if (s.equals("..")) {
                segments.pollLast();
            } else {
                segments.addLast(s);
            }
        }
        String clean = "/" + String.join("/", segments);
        boolean trailing = path.endsWith("/") || path.endsWith("/.") || path.endsWith("/..");
        return trailing && !clean.equals("/") ? clean + "/" : clean;
    }

    /** fleet's answer to an unclean path: 301 to the clean one, with Go's HTML body. */
    static ApiResponse redirect(String location) {
        String html = "<a href=\"" + location.replace("&", "&amp;").replace("\"", "&#34;").replace("<", "&lt;")
                + "\">Moved Permanently</a>.\n\n";
        return new ApiResponse(301, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }
}
