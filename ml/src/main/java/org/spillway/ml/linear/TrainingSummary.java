package org.spillway.ml.linear;

import java.util.Locale;

/**
 * How a linear model was trained.
 *
 * @param solver           "lbfgs", "owlqn" or "sgd"
 * @param iterations       iterations (epochs for SGD)
 * @param passes           full passes over the training data
 * @param converged        whether a convergence test or early stopping ended training
 * @param reason           why training stopped
 * @param objectiveHistory the objective at the start and after each iteration (for SGD: per epoch,
 *                         the validation objective when early stopping, else the epoch's average)
 * @param rows             training rows
 * @param seconds          training time
 */
public record TrainingSummary(String solver, int iterations, int passes, boolean converged, String reason,
                              double[] objectiveHistory, long rows, double seconds) {
    /** Freezes the history. */
    public TrainingSummary {
        objectiveHistory = objectiveHistory.clone();
    }

    /** The objective history (a copy). */
    @Override
    public double[] objectiveHistory() {
        return objectiveHistory.clone();
    }

    /** The final objective. */
    public double objective() {
        return objectiveHistory.length == 0 ? Double.NaN : objectiveHistory[objectiveHistory.length - 1];
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s: %d iterations, %d passes over %,d rows in %.2f s, objective %.8g; %s",
                solver, iterations, passes, rows, seconds, objective(), converged ? "converged (" + reason + ")" : reason);
    }
}
