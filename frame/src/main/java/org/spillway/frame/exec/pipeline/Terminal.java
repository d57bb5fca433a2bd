package org.spillway.frame.exec.pipeline;

import java.util.List;
import org.spillway.spill.chunk.Chunk;

/**
 * The end of a pipeline: counts, collects or reduces the chunks that reach it, with one local state
 * per worker merged at the end. It is the chunk-level counterpart of {@link org.spillway.parallel.Sink}:
 * the executor's pipeline sink takes a morsel, runs the source and the operators over it and hands
 * each chunk here; {@code parallel} never sees a chunk, so the two cannot be one type. Protocol:
 * {@link #newLocal} once per worker, {@link #accept} per chunk, {@link #morselDone} per morsel, then
 * {@link #finish} once over every local (combine and finalize), or {@link #abort} after a failure.
 *
 * @param <L> per-worker state
 * @param <R> the result
 */
public interface Terminal<L, R> {
    /** Per-worker state. */
    L newLocal();

    /**
     * Takes chunk number {@code index} of morsel {@code seq}. {@code independent} says the chunk owns
     * all its memory and nothing else refers to it; only then may the terminal keep it, returning
     * true (it then owns it). Otherwise it must copy what it keeps and return false.
     */
    boolean accept(L local, int seq, int index, Chunk chunk, boolean independent);

    /** Called after morsel {@code seq} was fully processed, with the rows that reached this terminal. */
    default void morselDone(L local, int seq, long rows) {
    }

    /**
     * True when morsel {@code seq} need not produce more chunks, having delivered {@code rows} so far
     * (a limit that this morsel, with the complete morsels before it, already satisfies).
     */
    default boolean morselSatisfied(int seq, long rows) {
        return false;
    }

    /** True when no more input is needed (a satisfied limit). */
    default boolean isDone() {
        return false;
    }

    /** Merges the locals into the result. */
    R finish(List<L> locals);

    /** Frees what the locals hold after a failure. */
    default void abort(List<L> locals) {
    }
}
