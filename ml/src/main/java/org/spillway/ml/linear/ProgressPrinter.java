package org.spillway.ml.linear;

import java.io.PrintStream;
import java.util.Locale;
import org.spillway.ml.optim.Iteration;
import org.spillway.ml.optim.IterationListener;

/**
 * Prints a line per iteration to standard error, for long training: always when asked, or (by
 * default) once training has run for two seconds, when the session shows progress.
 */
final class ProgressPrinter implements IterationListener {
    private static final long QUIET_NANOS = 2_000_000_000L;
    private final String learner;
    private final boolean always;
    private final PrintStream out;
    private boolean started;

    ProgressPrinter(String learner, boolean always, PrintStream out) {
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
            out.printf(Locale.ROOT, "%s: iteration  objective        |gradient|   passes  elapsed%n", learner);
        }
        String grad = Double.isNaN(it.gradientNorm()) ? "         -" : String.format(Locale.ROOT, "%10.3e", it.gradientNorm());
        out.printf(Locale.ROOT, "%s: %9d  %.10f  %s  %6d  %6.1f s%n", learner, it.iteration(), it.objective(), grad,
                it.evaluations(), it.elapsedNanos() / 1e9);
    }
}
