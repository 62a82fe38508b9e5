package org.fleetj.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Go's %q, as fleet's messages print names and values. */
class GoQuoteTest {
    @Test
    void quotesLikeGo() {
        assertEquals("\"hello.service\"", GoQuote.q("hello.service"));
        assertEquals("\"a\\\"b\\\\c\"", GoQuote.q("a\"b\\c"));
        assertEquals("\"\\n\\r\\t\\x00\\x7f\"", GoQuote.q("\n\r\t\u0000\u007f"));
        assertEquals("\"\"", GoQuote.q(null));
        assertEquals("\"snow \u2603 ok \uD83D\uDE00\"", GoQuote.q("snow \u2603 ok \uD83D\uDE00"), "valid text stays as it is");
        assertEquals("\"\\ufffdx\"", GoQuote.q("\uD800x"), "a lone surrogate is Go's replacement character");
    }
}
