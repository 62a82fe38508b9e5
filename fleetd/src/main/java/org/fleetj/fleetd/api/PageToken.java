package org.fleetj.fleetd.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * fleet's {@code nextPageToken}, in fleet's own format so that tokens made by fleet's clients (or by hand, as
 * fleet's docs show) keep working: base64url (padded) of two little-endian unsigned 16-bit numbers, the page size
 * ({@code token_limit}) and the 1-based page number. A page is an offset into the sorted collection, as in fleet.
 * Refusals are 400s with fleet's reasons.
 */
final class PageToken {
    static final String INVALID = "invalid value of nextPageToken query parameter";
    static final String TOO_MANY = "too many values for page token";

    private PageToken() {
    }

    static String encode(int limit, int page) {
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) limit).putShort((short) page);
        return Base64.getUrlEncoder().encodeToString(b.array());
    }

    /** The 1-based page a token names, checked against this server's page size. */
    static int decode(String token, int limit) throws ApiException {
        if (token.length() > 64) throw ApiException.badRequest(INVALID + ": too long");
        if (token.length() % 4 != 0) {
            throw ApiException.badRequest(INVALID + ": illegal base64 data at input byte " + (token.length() / 4 * 4));
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(INVALID + ": illegal base64 data (" + e.getMessage() + ")");
        }
        if (bytes.length == 0) throw ApiException.badRequest(INVALID + ": EOF (empty token)");
        if (bytes.length < 4) throw ApiException.badRequest(INVALID + ": unexpected EOF (token shorter than 4 bytes)");
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int tokenLimit = Short.toUnsignedInt(b.getShort());
        int page = Short.toUnsignedInt(b.getShort());
        if (tokenLimit != limit) throw ApiException.badRequest(INVALID + ": token limit must be " + limit);
        if (page == 0) throw ApiException.badRequest(INVALID + ": token page must be greater than zero");
        return page;
    }

    /** One page of {@code sorted}: page 1 without a token; the token for the next page when more remain. */
    static <T> Page<T> page(List<T> sorted, String token, int limit) throws ApiException {
        int page = token == null ? 1 : decode(token, limit);
        long from = (long) (page - 1) * limit;
        if (from >= sorted.size()) return new Page<>(List.of(), null);
        int to = (int) Math.min(sorted.size(), from + limit);
        List<T> items = new ArrayList<>(sorted.subList((int) from, to));
        String next = to < sorted.size() && page < 0xFFFF ? encode(limit, page + 1) : null;
        return new Page<>(items, next);
    }

    record Page<T>(List<T> items, String nextToken) {
    }
}
