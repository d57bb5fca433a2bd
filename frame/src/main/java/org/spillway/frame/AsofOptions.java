package org.spillway.frame;

import java.time.Duration;
import java.util.Objects;

/**
 * The options of an {@linkplain DataFrame#joinAsof(DataFrame, JoinOn, String, String, AsofOptions) as-of join},
 * immutable and built fluently:
 * <pre>{@code
 * labels.joinAsof(features, on("user"), "ts", "feature_ts",
 *         AsofOptions.backward().tolerance(Duration.ofMinutes(5)).allowExactMatches(false))
 * }</pre>
 *
 * <ul>
 *   <li>{@linkplain AsofStrategy strategy}: {@link #backward()} (the default), {@link #forward()} or {@link #nearest()};</li>
 *   <li>{@code tolerance}: the largest distance between the left and the right time of a match (a right row farther
 *       away does not match, and the left row gets nulls): a {@link Duration} for date and timestamp times, a number
 *       of the time column's unit for int32, int64 and float64 times; none by default;</li>
 *   <li>{@code allowExactMatches}: whether a right row whose time equals the left row's matches (true by default;
 *       false makes backward mean strictly before and forward strictly after);</li>
 *   <li>{@code suffix}: appended to a right column whose name a left column has ({@code _right} by default), as in
 *       {@link DataFrame#join(DataFrame, JoinOn, JoinType, String)}.</li>
 * </ul>
 */
public final class AsofOptions {
    private static final AsofOptions BACKWARD = new AsofOptions(AsofStrategy.BACKWARD, null, null, true, "_right");

    private final AsofStrategy strategy;
    private final Duration duration;
    private final Double number;
    private final boolean allowExactMatches;
    private final String suffix;

    private AsofOptions(AsofStrategy strategy, Duration duration, Double number, boolean allowExactMatches, String suffix) {
        this.strategy = strategy;
        this.duration = duration;
        this.number = number;
        this.allowExactMatches = allowExactMatches;
        this.suffix = suffix;
    }

    /** The defaults: backward, no tolerance, exact matches allowed, suffix {@code _right}. */
    public static AsofOptions defaults() {
        return BACKWARD;
    }

    /** The defaults with the {@link AsofStrategy#BACKWARD} strategy: the latest right row at or before the left time. */
    public static AsofOptions backward() {
        return BACKWARD;
    }

    /** The defaults with the {@link AsofStrategy#FORWARD} strategy: the earliest right row at or after the left time. */
    public static AsofOptions forward() {
        return BACKWARD.strategy(AsofStrategy.FORWARD);
    }

    /** The defaults with the {@link AsofStrategy#NEAREST} strategy: the closest right row (the earlier one at a tie). */
    public static AsofOptions nearest() {
        return BACKWARD.strategy(AsofStrategy.NEAREST);
    }

    /** These options with {@code strategy}. */
    public AsofOptions strategy(AsofStrategy strategy) {
        return new AsofOptions(Objects.requireNonNull(strategy, "strategy"), duration, number, allowExactMatches, suffix);
    }

    /**
     * These options with a tolerance for date and timestamp times: a right row matches only if its time is at most
     * {@code tolerance} from the left row's (inclusive). Timestamps count in microseconds (a finer remainder is
     * dropped), dates in whole days (36 hours allow one day).
     *
     * @throws SpillwayException if the tolerance is negative
     */
    public AsofOptions tolerance(Duration tolerance) {
        Objects.requireNonNull(tolerance, "tolerance");
        if (tolerance.isNegative()) {
            throw new SpillwayException("An as-of join's tolerance must not be negative, but it is " + tolerance);
        }
        return new AsofOptions(strategy, tolerance, null, allowExactMatches, suffix);
    }

    /**
     * These options with a tolerance for int32, int64 and float64 times, in the time column's unit: a right row
     * matches only if its time is at most {@code tolerance} from the left row's (inclusive).
     *
     * @throws SpillwayException if the tolerance is negative or NaN
     */
    public AsofOptions tolerance(double tolerance) {
        if (!(tolerance >= 0)) {
            throw new SpillwayException("An as-of join's tolerance must be a number of at least 0, but it is " + tolerance);
        }
        return new AsofOptions(strategy, null, tolerance, allowExactMatches, suffix);
    }

    /** These options with exact matches allowed or not (a right time equal to the left time matches only if allowed). */
    public AsofOptions allowExactMatches(boolean allow) {
        return new AsofOptions(strategy, duration, number, allow, suffix);
    }

    /**
     * These options naming a right column whose name is taken with {@code suffix}.
     *
     * @throws SpillwayException if the suffix is null or empty
     */
    public AsofOptions suffix(String suffix) {
        if (suffix == null || suffix.isEmpty()) {
            throw new SpillwayException("The suffix for clashing column names must not be empty");
        }
        return new AsofOptions(strategy, duration, number, allowExactMatches, suffix);
    }

    /** The strategy. */
    public AsofStrategy strategy() {
        return strategy;
    }

    /** The tolerance given as a {@link Duration} (for date and timestamp times), or null. */
    public Duration durationTolerance() {
        return duration;
    }

    /** The tolerance given as a number (for numeric times), or null. */
    public Double numericTolerance() {
        return number;
    }

    /** True if a right row whose time equals the left row's may match. */
    public boolean allowExactMatches() {
        return allowExactMatches;
    }

    /** The suffix of clashing right column names. */
    public String suffix() {
        return suffix;
    }

    @Override
    public String toString() {
        String tol = duration != null ? " tolerance=" + duration : number != null ? " tolerance=" + number : "";
        return "strategy=" + strategy + tol + (allowExactMatches ? "" : " exact=false");
    }
}
