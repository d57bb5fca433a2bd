package org.spillway.parallel;

import java.util.List;

/**
 * The work of one {@link MorselScheduler#run}: processes morsels into per-thread state and merges
 * that state at the end.
 *
 * <p>Threading: {@link #newLocal} and {@link #accept} are called on worker threads; a local is only
 * ever used by the thread that created it, one morsel at a time, so locals need no synchronisation.
 * {@link #isDone} is called concurrently from all workers. {@link #finish} and {@link #abort} are
 * called exactly once between them, on the thread that called {@code run}, after every started
 * morsel has returned.
 *
 * @param <T> the item type
 * @param <L> the thread-local state
 * @param <R> the result
 */
public interface Sink<T, L, R> {
    /** Creates the state of one worker thread; called on that thread before its first morsel. */
    L newLocal();

    /**
     * Processes one morsel into {@code local}. Any exception fails the run: morsels not yet
     * started are skipped and the exception is rethrown by {@code run}.
     */
    void accept(L local, Morsel<T> morsel) throws Exception;

    /**
     * Merges the states after all morsels have run (or were skipped because {@link #isDone} became
     * true); its result is returned by {@code run}.
     *
     * @param locals every local created during the run, in creation order (possibly empty)
     */
    R finish(List<L> locals);

    /**
     * Whether the result is already complete (for example, a LIMIT is satisfied). Checked before each
     * morsel starts; once true, the remaining morsels are skipped and {@link #finish} is called.
     */
    default boolean isDone() {
        return false;
    }

    /**
     * Called instead of {@link #finish} when the run fails or is cancelled, so that resources held by
     * the locals can be released. Exceptions thrown here are added as suppressed to the run's failure.
     *
     * @param locals every local created during the run, in creation order (possibly empty)
     */
    default void abort(List<L> locals) {
    }
}
