package org.fleetj.fleetd.api;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * fleet's opaque {@code nextPageToken}: here a cursor (the sort key of the last entity sent, tagged with
 * the collection it belongs to), base64url-encoded. A cursor rather than an offset keeps pages correct
 * while units are added or removed between requests. Anything that does not decode to a cursor of the
 * same collection is refused with fleet's message.
 */
final class PageToken {
    static final String INVALID = "invalid value of nextPageToken query parameter";
    private static final String VERSION = "1";
    private static final char SEPARATOR = '\n';

    private PageToken() {
    }

    static String encode(String collection, String lastKey) {
        String raw = VERSION + SEPARATOR + collection + SEPARATOR + lastKey;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The last key sent in the previous page of {@code collection}. */
    static String decode(String collection, String token) throws ApiException {
        if (token == null || token.isEmpty() || token.length() > 4096) throw ApiException.badRequest(INVALID);
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(INVALID);
        }
        String raw;
        try {
            raw = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest(INVALID);
        }
        String prefix = VERSION + SEPARATOR + collection + SEPARATOR;
        if (!raw.startsWith(prefix) || raw.length() == prefix.length()) throw ApiException.badRequest(INVALID);
        return raw.substring(prefix.length());
    }

    /**
     * One page of {@code sorted} (ascending by {@code key}): the entities after the token's cursor (all
     * when there is no token), at most {@code limit}, and the token for the next page when more remain.
     */
    static <T> Page<T> page(String collection, List<T> sorted, Function<T, String> key, String token, int limit) throws ApiException {
        int from = 0;
        if (token != null) {
            String after = decode(collection, token);
            int lo = 0;
            int hi = sorted.size();
            while (lo < hi) { // first index whose key is greater than the cursor
                int mid = (lo + hi) >>> 1;
                if (key.apply(sorted.get(mid)).compareTo(after) <= 0) lo = mid + 1; else hi = mid;
            }
            from = lo;
        }
        int to = Math.min(sorted.size(), from + limit);
        List<T> items = new ArrayList<>(sorted.subList(from, to));
        String next = to < sorted.size() && !items.isEmpty() ? encode(collection, key.apply(items.get(items.size() - 1))) : null;
        return new Page<>(items, next);
    }

    record Page<T>(List<T> items, String nextToken) {
    }
}
