package org.spillway.frame.exec.pipeline;

import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;

/**
 * One streaming step of a pipeline (filter, projection), instantiated once per worker thread so it
 * can keep reusable scratch (vector builders) without locking.
 *
 * <p>Ownership: {@link #apply} never closes its input. It returns the input itself, a new chunk that
 * owns its memory, or null when no row is left. When {@link #outputReferencesInput()} is true, the
 * output may share vectors with its input, which must then stay open as long as the output is used.
 */
public interface ChunkOperator {
    /** The output columns. */
    Schema schema();

    /** Processes one chunk. */
    Chunk apply(Chunk input);

    /** True if outputs may share vectors with their input. */
    boolean outputReferencesInput();

    /**
     * Runs {@code chunk} through {@code ops} in order. Every chunk the caller must close afterwards
     * (the input if {@code owned}, and the intermediate outputs still needed) is added to
     * {@code alive}; {@code independent[0]} is set to whether the result owns all its memory, so that
     * it may be handed on when it is the only chunk in {@code alive}.
     *
     * @return the result, or null when an operator dropped every row or no row is left
     */
    static Chunk applyAll(ChunkOperator[] ops, Chunk chunk, boolean owned, java.util.List<Chunk> alive, boolean[] independent) {
        if (owned) {
            alive.add(chunk);
        }
        boolean ind = owned;
        Chunk cur = chunk;
        for (ChunkOperator op : ops) {
            Chunk next = op.apply(cur);
            if (next == null) {
                return null;
            }
            if (next == cur) {
                continue;
            }
            if (op.outputReferencesInput()) {
                ind = false;
            } else {
                for (Chunk c : alive) {
                    c.close();
                }
                alive.clear();
                ind = true;
            }
            alive.add(next);
            cur = next;
        }
        independent[0] = ind;
        return cur.rows() == 0 ? null : cur;
    }
}
