package org.spillway.ml.optim;

/** Receives each finished iteration of an optimizer (for progress output or loss curves). */
@FunctionalInterface
public interface IterationListener {
    /** Called after every iteration, on the thread running the optimizer. */
    void onIteration(Iteration it);

    /** A listener that does nothing. */
    IterationListener NONE = it -> { };
}
