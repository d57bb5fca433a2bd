package org.spillway.ml;

/**
 * A stage's per-row function compiled for a {@link RowLayout}: reads its input columns from their positions in the
 * row's array and writes its outputs to theirs, with no map and no per-row lookup by name. Safe to call from many
 * threads at once on different arrays.
 */
@FunctionalInterface
public interface RowKernel {
    /** Transforms {@code row} in place: its outputs are written to their positions. */
    void apply(Object[] row);
}
