package org.spillway.parallel;

/**
 * Receives the progress of a {@link MorselScheduler#run}.
 *
 * <p>The scheduler serialises all calls to one listener during a run (under a lock), so
 * implementations need not be thread-safe, but {@link #onProgress} is called from worker threads and
 * should be cheap. An exception thrown by the listener fails the run.
 */
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = new ProgressListener() {
    };

    /** Called on the calling thread before the first morsel starts. */
    default void onStart(long totalWeight, int morsels) {
    }

    /**
     * Called after each morsel completes successfully, with the running totals of completed morsels.
     * Morsels skipped because of failure or {@link Sink#isDone} are not counted.
     */
    default void onProgress(long doneWeight, int doneMorsels) {
    }

    /** Called on the calling thread once the run has finished, after {@link Sink#finish} or {@link Sink#abort}. */
    default void onFinish(boolean success) {
    }
}
