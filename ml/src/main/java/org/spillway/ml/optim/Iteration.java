package org.spillway.ml.optim;

/**
 * One finished optimizer iteration, as reported to an {@link IterationListener}.
 *
 * @param iteration     1 for the first step taken
 * @param objective     the objective after the step (including any L1 term)
 * @param gradientNorm  the Euclidean norm of the (pseudo-)gradient after the step
 * @param evaluations   objective evaluations (data passes) so far, the initial one included
 * @param elapsedNanos  time since the optimizer started
 * @param x             the iterate after the step, or null when the optimizer does not expose it: the
 *                      optimizer's own array, to be read during the call only (not kept, not changed)
 */
public record Iteration(int iteration, double objective, double gradientNorm, int evaluations, long elapsedNanos, double[] x) {
    /** An iteration that does not expose its iterate. */
    public Iteration(int iteration, double objective, double gradientNorm, int evaluations, long elapsedNanos) {
        this(iteration, objective, gradientNorm, evaluations, elapsedNanos, null);
    }
}
