package org.spillway.ml.recommendation;

import java.io.PrintStream;
import java.util.Locale;
import org.spillway.ml.optim.Iteration;
import org.spillway.ml.optim.IterationListener;

/**
 * Prints a line per ALS iteration to standard error, for long training: always when asked, or (by
 * default) once training has run for two seconds, when the session shows progress.
 */
final class AlsProgress implements IterationListener {
    private static final long QUIET_NANOS = 2_000_000_000L;
    private final String learner;
    private final boolean always;
    private final PrintStream out;
    private boolean started;

    AlsProgress(String learner, boolean always, PrintStream out) {
        this.learner = learner;
        this.always = always;
        this.out = out;
    }

    @Override
    public void onIteration(Iteration it) {
        if (!always && it.elapsedNanos() < QUIET_NANOS) {
            return;
        }
        if (!started) {
            started = true;
            out.printf(Locale.ROOT, "%s: iteration  objective/rating  passes  elapsed%n", learner);
        }
        out.printf(Locale.ROOT, "%s: %9d  %15.10f  %6d  %6.1f s%n", learner, it.iteration(), it.objective(), it.evaluations(),
                it.elapsedNanos() / 1e9);
    }
}
