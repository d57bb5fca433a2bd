package org.spillway.ml.clustering;

import java.io.PrintStream;
import java.util.Locale;
import org.spillway.ml.optim.Iteration;
import org.spillway.ml.optim.IterationListener;

/**
 * Prints a line per Lloyd iteration to standard error, as the linear learners do: always when asked,
 * or (by default) once training has run for two seconds, when the session shows progress.
 */
public final class ProgressLines implements IterationListener {
    private static final long QUIET_NANOS = 2_000_000_000L;
    private final String learner;
    private final boolean always;
    private final PrintStream out;
    private boolean started;

    /**
     * @param learner the learner's name, which starts each line
     * @param always  print from the first iteration (else only after two seconds)
     * @param out     where to print
     */
    public ProgressLines(String learner, boolean always, PrintStream out) {
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
            out.printf(Locale.ROOT, "%s: iteration  cost                 largest move  passes  elapsed%n", learner);
        }
        out.printf(Locale.ROOT, "%s: %9d  %.12e  %12.4e  %6d  %6.1f s%n", learner, it.iteration(), it.objective(),
                it.gradientNorm(), it.evaluations(), it.elapsedNanos() / 1e9);
    }
}
