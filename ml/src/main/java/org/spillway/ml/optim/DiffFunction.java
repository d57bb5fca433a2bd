package org.spillway.ml.optim;

/**
 * A differentiable objective: its value and gradient at a point. For a learner, one call is one
 * parallel pass over the training chunks.
 */
@FunctionalInterface
public interface DiffFunction {
    /**
     * Returns f(x) and writes the gradient of f at x into {@code gradient} (same length as x).
     * Must not keep or modify {@code x}.
     */
    double compute(double[] x, double[] gradient);
}
