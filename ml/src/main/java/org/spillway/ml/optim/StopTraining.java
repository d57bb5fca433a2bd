package org.spillway.ml.optim;

/**
 * Thrown by an {@link IterationListener} to end training after the iteration it was told of: the
 * optimizer (L-BFGS, OWL-QN, the SGD epochs of the linear learners) catches it and returns its
 * current iterate as the solution, not converged, with the reason given here. Hyperparameter search
 * uses it to stop unpromising trials early. It carries no stack trace.
 */
public final class StopTraining extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stops training, saying why (the optimizer reports it as the reason it stopped). */
    public StopTraining(String reason) {
        super(reason, null, false, false);
    }
}
