package org.fleetj.fleetctl.command;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.fleetj.api.ApiUnreadableRecord;
import org.fleetj.fleetctl.Session;

/**
 * Beyond fleet: the records the server skipped because it cannot read them (issue 17), said on stderr as a WARNING
 * line each, so a broken unit or machine is shown where users look instead of silently missing; stdout keeps fleet's
 * shapes, which scripts parse. fleet itself reports none, so nothing is printed against it.
 */
final class BrokenRecords implements Consumer<ApiUnreadableRecord> {
    private final String what;
    private final List<ApiUnreadableRecord> seen = new ArrayList<>();

    /** @param what "unit" or "machine": what a record is about */
    BrokenRecords(String what) {
        this.what = what;
    }

    @Override
    public void accept(ApiUnreadableRecord r) {
        seen.add(r);
    }

    List<ApiUnreadableRecord> seen() {
        return List.copyOf(seen);
    }

    /** One line per broken record: which, why, and what fleet does about it. */
    void warn(Session session) {
        for (ApiUnreadableRecord r : seen) {
            session.err().println("WARNING: " + what + " " + r.name() + " is broken: " + r.reason() + (what.equals("unit")
                    ? "; fleet leaves it as it is (neither scheduled nor stopped) until it is destroyed or the key written again"
                    : "; it is left out until its fleetd announces it again or the key is deleted"));
        }
    }
}
