package org.spillway.ml;

import java.util.Map;

/**
 * A transformer that can also transform a single row held as a map from column name to value, for
 * predicting one row at a time without a frame ({@link PipelineModel#transformRow}).
 */
public interface RowTransformer {
    /** The row with this transformer's outputs added or replaced (the input map is not changed). */
    Map<String, Object> transformRow(Map<String, ?> row);
}
