package org.fleetj.unit;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Beyond fleet: what the engine does after systemd gave up on a unit ({@code failed}), from three
 * {@code [X-Fleet]} options. fleet itself did nothing (a failed unit stayed failed until someone looked), and
 * that stays the default: a unit without these options has no policy.
 *
 * <ul>
 *   <li>{@code RestartOnFailure=N}: restart the unit in place up to N times within the window;</li>
 *   <li>{@code RestartWindow=}: the window, a systemd-style time span ({@code 90}, {@code 30s}, {@code 10min},
 *       {@code 1h}); default 10 minutes;</li>
 *   <li>{@code RescheduleOnFailure=true}: once the restarts in the window are used up, move the unit to another
 *       machine, never back to one where it gave up.</li>
 * </ul>
 *
 * @param restarts   in-place restarts allowed within {@code window} (0: none)
 * @param window     the window counting restarts
 * @param reschedule move to another machine once the restarts are used up
 */
public record FailurePolicy(int restarts, Duration window, boolean reschedule) {
    public static final String RESTART_ON_FAILURE = "RestartOnFailure";
    public static final String RESTART_WINDOW = "RestartWindow";
    public static final String RESCHEDULE_ON_FAILURE = "RescheduleOnFailure";
    /** The [X-Fleet] keys this policy reads (the X-Fleet parser does not warn about them). */
    public static final Set<String> KEYS = Set.of(RESTART_ON_FAILURE, RESTART_WINDOW, RESCHEDULE_ON_FAILURE);
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);
    /** More restarts than this would hide a broken unit rather than heal it. */
    public static final int MAX_RESTARTS = 1000;

    private static final Pattern SPAN = Pattern.compile("(\\d+)\\s*(ms|s|sec|m|min|h|hr)?");

    public FailurePolicy {
        if (restarts < 0) throw new IllegalArgumentException("restarts must not be negative");
        if (window == null || window.isNegative() || window.isZero()) throw new IllegalArgumentException("window must be positive");
    }

    /** Whether the policy asks for anything at all. */
    public boolean acts() {
        return restarts > 0 || reschedule;
    }

    /**
     * The unit's policy; empty when none of the options is set (fleet's behaviour). The last value of a key wins.
     *
     * @throws UnitParseException naming the option when a value is invalid
     */
    public static Optional<FailurePolicy> from(UnitFile unit) throws UnitParseException {
        if (unit == null || !unit.hasSection(XFleetParser.SECTION)) return Optional.empty();
        Optional<String> restarts = last(unit, RESTART_ON_FAILURE);
        Optional<String> window = last(unit, RESTART_WINDOW);
        Optional<String> reschedule = last(unit, RESCHEDULE_ON_FAILURE);
        if (restarts.isEmpty() && window.isEmpty() && reschedule.isEmpty()) return Optional.empty();
        return Optional.of(new FailurePolicy(
                restarts.isPresent() ? count(restarts.get()) : 0,
                window.isPresent() ? span(window.get()) : DEFAULT_WINDOW,
                reschedule.isPresent() && bool(reschedule.get())));
    }

    private static Optional<String> last(UnitFile unit, String key) {
        List<String> v = unit.values(XFleetParser.SECTION, key);
        return v.isEmpty() ? Optional.empty() : Optional.of(v.get(v.size() - 1).trim());
    }

    private static int count(String v) throws UnitParseException {
        try {
            int n = Integer.parseInt(v);
            if (n >= 0 && n <= MAX_RESTARTS) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UnitParseException(RESTART_ON_FAILURE + "=" + GoQuote.q(v) + " in [X-Fleet] section: expected a whole number from 0 to "
                + MAX_RESTARTS);
    }

    private static Duration span(String v) throws UnitParseException {
        Matcher m = SPAN.matcher(v.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            Duration d = switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m", "min" -> Duration.ofMinutes(n);
                case "h", "hr" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
            if (!d.isZero()) return d;
        }
        throw new UnitParseException(RESTART_WINDOW + "=" + GoQuote.q(v)
                + " in [X-Fleet] section: expected a positive time span such as 90, 30s, 10min or 1h");
    }

    private static boolean bool(String v) throws UnitParseException {
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on", "t": return true;
            case "false", "no", "0", "off", "f": return false;
            default: throw new UnitParseException(RESCHEDULE_ON_FAILURE + "=" + GoQuote.q(v)
                    + " in [X-Fleet] section: expected true or false");
        }
    }
}
