package org.fleetj.fleetctl.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Go text/tabwriter with fleetctl's settings (minwidth 0, tabwidth 8, padding 1, TAB padding), by its rules. */
class TabWriterTest {

    @Test
    void columnsAreTheWidestCellPlusOneRoundedUpToATabStop() {
        // fleet's captured list-unit-files
        assertEquals("UNIT\t\tHASH\tDSTATE\t\tSTATE\t\tTARGET\nhello.service\t524c784\tinactive\tinactive\t-\n",
                TabWriter.align("UNIT\tHASH\tDSTATE\tSTATE\tTARGET\nhello.service\t524c784\tinactive\tinactive\t-\n"));
        // a tab moves to the next stop: a 7- or 8-character cell needs one, so its column is 16 wide when 8 characters are there
        assertEquals("1234567\tx\n", TabWriter.align("1234567\tx\n"));
        assertEquals("12345678\tx\n1\t\ty\n", TabWriter.align("12345678\tx\n1\ty\n"));
    }

    @Test
    void aColumnIsAlignedOnlyOverConsecutiveLinesThatHaveIt() {
        assertEquals("a\t\tb\tc\naaaaaaaaa\tb\nx\ny\tz\n", TabWriter.align("a\tb\tc\naaaaaaaaa\tb\nx\ny\tz\n"));
    }

    @Test
    void emptyCellsTrailingTextAndCharacters() {
        assertEquals("\tx\nabc\ty\n", TabWriter.align("\tx\nabc\ty\n"));
        assertEquals("no tabs at all\n", TabWriter.align("no tabs at all\n"));
        assertEquals("a\tb", TabWriter.align("a\tb"), "text after the last newline is kept as is");
        assertEquals("", TabWriter.align(""));
        // width counts characters (runes), not bytes or UTF-16 units
        assertEquals("Grüße✓\tx\n1234567\ty\n", TabWriter.align("Grüße✓\tx\n1234567\ty\n"));
        assertEquals("\uD83D\uDE80\uD83D\uDE80\uD83D\uDE80\uD83D\uDE80\uD83D\uDE80\uD83D\uDE80\uD83D\uDE80\tx\n",
                TabWriter.align("\uD83D\uDE80\uD83D\uDE80\uD83D\uDE80\uD83D\uDE80\uD83D\uDE80\uD83D\uDE80\uD83D\uDE80\tx\n"));
    }
}
