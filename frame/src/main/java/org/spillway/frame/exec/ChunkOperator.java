package org.spillway.frame.exec;

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
}
