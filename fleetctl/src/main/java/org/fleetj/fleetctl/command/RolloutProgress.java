package org.fleetj.fleetctl.command;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.fleetj.api.ApiRollout;
import org.fleetj.api.ApiRolloutInstance;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.output.MachineLegend;

/**
 * Follows a rollout the engine drives, printing a line whenever an instance changes step, each with a progress bar
 * ({@code [###.....] 3/8}), and the outcome at the end. Exit status: 0 when it succeeded, 1 when it failed, was
 * reverted or aborted, or when following timed out (the rollout goes on then).
 */
final class RolloutProgress {
    static final long POLL_MILLIS = 500;

    private final Session session;
    private final String unit;
    private final String id;
    private final Map<String, String> seen = new HashMap<>();
    private String lastPhase = "";

    RolloutProgress(Session session, String unit, String id) {
        this.session = session;
        this.unit = unit;
        this.id = id;
    }

    int follow(long timeoutSeconds) {
        long deadline = timeoutSeconds <= 0 ? Long.MAX_VALUE : System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        while (true) {
            Optional<ApiRollout> now = session.client().rollout(unit).filter(r -> r.id().equals(id));
            if (now.isEmpty()) {
                session.err().println("Error: the rollout of " + unit + " is gone (another rollout of it replaced it)");
                return 1;
            }
            ApiRollout r = now.get();
            report(r);
            if (r.isFinished()) {
                boolean ok = r.phase().equals("succeeded");
                (ok ? session.out() : session.err()).println("Rollout of " + unit + " " + r.phase() + ": " + r.message());
                return ok ? 0 : 1;
            }
            if (System.nanoTime() > deadline) {
                session.err().println("Error: stopped following after " + timeoutSeconds + " s; the rollout goes on (fleetctl rollout status "
                        + unit + ")");
                return 1;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommandFailedException("interrupted while following the rollout; it goes on", e);
            }
        }
    }

    private void report(ApiRollout r) {
        if (!r.phase().equals(lastPhase) && (r.phase().equals("paused") || lastPhase.equals("paused"))) {
            session.out().println("Rollout " + r.phase() + ": " + r.message());
        }
        lastPhase = r.phase();
        for (ApiRolloutInstance i : r.instances()) {
            String key = i.name() + "\n" + i.machine();
            if (i.step().equals(seen.put(key, i.step()))) continue;
            if (i.step().equals("waiting")) continue;
            String where = i.machine().isEmpty() ? "" : " on " + MachineLegend.of(i.machine(), session.machines(), false);
            session.out().println(bar(r) + " " + i.name() + where + ": " + i.step() + (i.note().isEmpty() ? "" : " (" + i.note() + ")"));
        }
    }

    /** {@code [###.....] 3/8}: instances done out of all. */
    static String bar(ApiRollout r) {
        int total = r.instances().size();
        int done = (int) r.count("done");
        int width = Math.min(Math.max(total, 1), 20);
        int filled = total == 0 ? width : done * width / total;
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + done + "/" + total;
    }
}
