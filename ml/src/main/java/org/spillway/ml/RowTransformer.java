package org.spillway.ml;

import java.util.Map;

/**
 * A transformer that can also transform a single row held as a map from column name to value, for
 * predicting one row at a time without a frame ({@link PipelineModel#transformRow}).
 */
public interface RowTransformer {
    /** The row with this transformer's outputs added or replaced (the input map is not changed). */
    Map<String, Object> transformRow(Map<String, ?> row);

    /**
     * This transformer's per-row function compiled once for rows laid out as {@code layout} says (its outputs are added
     * to the layout), for scoring many rows at little cost each (the model server's {@code Scoring.ROWS}). The
     * built-in models compute what their {@code transform} computes, in the same order of floating-point operations,
     * so the values are equal to it, nulls included (a null feature gives null outputs where {@code transform} does).
     *
     * @return the kernel, or null when this transformer has no compiled form (callers then use {@link #transformRow})
     * @throws MlException when a column it reads is not in the layout
     */
    default RowKernel compile(RowLayout layout) {
        return null;
    }
}
