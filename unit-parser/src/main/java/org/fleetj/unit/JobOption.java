package org.fleetj.unit;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Beyond fleet: {@code [X-Fleet] Job=true} marks a unit as a one-shot job. It runs once, on one machine; the agent
 * records how it ended (succeeded or failed, exit status, when, where), and a finished job is never started again
 * (not when its machine leaves, not when fleetd restarts). A job whose machine is lost while it runs is placed
 * again like any unit: it runs at least once. See docs/lifecycle.md.
 *
 * <p>fleet v1.0 warned about {@code Job} as an unknown key and ignored it, so such a unit still loads there (and
 * runs as an ordinary unit). THE rule for "is this unit a job" lives here ({@link #isJob}); the X-Fleet parser
 * validates the value and its combinations at submission ({@link #from}).
 */
public final class JobOption {
    public static final String JOB = "Job";
    /** The [X-Fleet] keys read here (the X-Fleet parser does not warn about them). */
    public static final Set<String> KEYS = Set.of(JOB);

    private static final Set<String> FALSE_WORDS = Set.of("false", "no", "0", "off", "f");

    private JobOption() {
    }

    /**
     * Whether the unit is a job: the last {@code Job=} value is one of fleet's true words. Never fails, so the
     * engine, the agent and the API can ask it of any stored unit.
     */
    public static boolean isJob(UnitFile unit) {
        if (unit == null || !unit.hasSection(XFleetParser.SECTION)) return false;
        List<String> v = unit.values(XFleetParser.SECTION, JOB);
        return !v.isEmpty() && XFleetParser.isTrueWord(v.get(v.size() - 1).trim());
    }

    /**
     * The validated value: whether the unit is a job.
     *
     * @throws UnitParseException naming the option when the value is not a boolean word, or when a job also asks
     *                            for what a job cannot be (global, or restarted by the failure policy)
     */
    public static boolean from(UnitFile unit, XFleet requirements) throws UnitParseException {
        if (unit == null || !unit.hasSection(XFleetParser.SECTION)) return false;
        List<String> values = unit.values(XFleetParser.SECTION, JOB);
        if (values.isEmpty()) return false;
        String v = values.get(values.size() - 1).trim();
        if (!XFleetParser.isTrueWord(v) && !FALSE_WORDS.contains(v.toLowerCase(Locale.ROOT))) {
            throw new UnitParseException(JOB + "=" + GoQuote.q(v) + " in [X-Fleet] section: expected true or false");
        }
        boolean job = XFleetParser.isTrueWord(v);
        if (!job) return false;
        if (requirements.global()) {
            throw new UnitParseException("invalid [X-Fleet] requirements: Job cannot be combined with Global "
                    + "(a job runs once on one machine)");
        }
        if (FailurePolicy.from(unit).map(FailurePolicy::acts).orElse(false)) {
            throw new UnitParseException("invalid [X-Fleet] requirements: Job cannot be combined with "
                    + FailurePolicy.RESTART_ON_FAILURE + " or " + FailurePolicy.RESCHEDULE_ON_FAILURE
                    + " (a finished job is never started again; retry inside the run with systemd's Restart= in [Service])");
        }
        return true;
    }
}
