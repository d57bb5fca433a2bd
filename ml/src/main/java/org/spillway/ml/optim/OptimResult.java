package org.spillway.ml.optim;

/**
 * What an optimizer ended with.
 *
 * @param x            the solution
 * @param objective    the objective there (with any L1 term)
 * @param history      the objective before the first step, then after each iteration
 * @param iterations   iterations taken
 * @param evaluations  objective evaluations (each one data pass for a learner)
 * @param converged    true if a convergence test stopped it, false if it ran out of iterations
 * @param reason       why it stopped, in words
 */
public record OptimResult(double[] x, double objective, double[] history, int iterations, int evaluations,
                          boolean converged, String reason) {
}
