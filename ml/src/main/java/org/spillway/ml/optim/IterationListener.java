package org.spillway.ml.optim;

/**
 * Receives each finished iteration of an optimizer (for progress output or loss curves). A listener
 * may end training early by throwing {@link StopTraining}: the optimizer then returns the iterate of
 * that iteration. Any other exception propagates and fails the fit.
 */
@FunctionalInterface
public interface IterationListener {
    /** Called after every iteration, on the thread running the optimizer. */
    void onIteration(Iteration it);

    /** A listener that does nothing. */
    IterationListener NONE = it -> { };
}
