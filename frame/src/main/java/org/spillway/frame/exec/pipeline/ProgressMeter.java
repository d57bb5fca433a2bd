package org.spillway.frame.exec.pipeline;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * The rate and time left of one stage (a scan, a merge) from wall-clock time and the weight done: the
 * rate is the weight done since the stage started divided by the wall time since it started (not the
 * time since a bar appeared, nor time summed over worker threads), and the time left is the weight left
 * at that rate. The time left is unknown until {@link #ETA_MIN_FRACTION} of the work is done and
 * {@link #ETA_MIN_NANOS} have passed: before that a rate is mostly start-up cost. The clock is
 * injected so the arithmetic can be tested; it is not thread-safe ({@link ConsoleProgress} serialises
 * calls).
 */
final class ProgressMeter {
    /** The fraction of the total done before a time left is estimated. */
    static final double ETA_MIN_FRACTION = 0.05;
    /** The time run before a time left is estimated. */
    static final long ETA_MIN_NANOS = 2_000_000_000L;

    private final LongSupplier clock;
    private final String unit;
    private final double unitSize;
    private long startNanos;
    private long total;
    private long done;

    /**
     * @param clock nanoseconds, as {@link System#nanoTime}
     * @param unit  the weight's unit: {@code "MB"} (weights are bytes, shown in millions) or a count such as {@code "rows"}
     */
    ProgressMeter(LongSupplier clock, String unit) {
        this.clock = clock;
        this.unit = unit;
        this.unitSize = unit.equals("MB") ? 1e6 : 1;
    }

    /** Starts the stage now, with {@code total} weight to do. */
    void start(long totalWeight) {
        startNanos = clock.getAsLong();
        total = totalWeight;
        done = 0;
    }

    /** Records the weight done so far (a running total). */
    void update(long doneWeight) {
        done = doneWeight;
    }

    long total() {
        return total;
    }

    long done() {
        return done;
    }

    /** Wall time since {@link #start}. */
    long elapsedNanos() {
        return Math.max(0, clock.getAsLong() - startNanos);
    }

    /** Weight per second since the start (0 before any time has passed). */
    double ratePerSecond() {
        long elapsed = elapsedNanos();
        return elapsed <= 0 ? 0 : done * 1e9 / elapsed;
    }

    /** The time left at the rate so far, once it means something (see the class comment). */
    OptionalLong etaNanos() {
        long elapsed = elapsedNanos();
        if (total <= 0 || done <= 0 || elapsed < ETA_MIN_NANOS || done < ETA_MIN_FRACTION * total) {
            return OptionalLong.empty();
        }
        long left = Math.max(0, total - done);
        return OptionalLong.of((long) (elapsed * ((double) left / done)));
    }

    /** {@code "33.5 MB/s"} or {@code "12,345 rows/s"}. */
    String rateText() {
        double r = ratePerSecond() / unitSize;
        return unitSize > 1 ? String.format(Locale.ROOT, "%.1f %s/s", r, unit) : String.format(Locale.ROOT, "%,.0f %s/s", r, unit);
    }

    /** {@code "134/2,300 MB (5%)"}: done and total in the unit, and the percentage done (floored). */
    String amountText() {
        int percent = total <= 0 ? 100 : (int) Math.min(100, Math.floor(100.0 * done / total));
        return String.format(Locale.ROOT, "%,d/%,d %s (%d%%)", (long) (done / unitSize), (long) (total / unitSize), unit, percent);
    }

    /** {@code "33.5 MB/s, ETA 0:01:12"}, or only the rate while the time left is unknown. */
    String rateAndEtaText() {
        OptionalLong eta = etaNanos();
        return rateText() + (eta.isPresent() ? ", ETA " + hms((eta.getAsLong() + 999_999_999L) / 1_000_000_000L) : "");
    }

    /** {@code h:mm:ss} of the time since the start (whole seconds, rounded down). */
    String elapsedText() {
        return hms(elapsedNanos() / 1_000_000_000L);
    }

    /** {@code h:mm:ss}. The time left is rounded up, so time still left never shows as 0:00:00. */
    static String hms(long seconds) {
        return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}
