package org.spillway.ml.serve;

/**
 * How a batch of rows is scored ({@link ModelServer.Builder#scoring}; default {@link #FRAME}).
 */
public enum Scoring {
    /**
     * One {@code transform} over a small frame built from the batch's rows in the server's session: the same
     * expressions as offline scoring, vectorised over the batch; works for every model.
     */
    FRAME,
    /**
     * The model's single-row path ({@code PipelineModel.transformRow} or a {@code RowTransformer}), row by row, with no
     * frame: much less fixed cost per batch; for models whose every stage is a {@code RowTransformer} (the built-in
     * models are). Outputs equal {@link #FRAME}'s to the last bit or two of a double. Measured on the flights pipeline
     * ({@code ./spillway bench serve}), it is no faster for single rows and 3.5 times slower for batches of 256 rows
     * (each stage copies the row's map), so {@link #FRAME} is the default.
     */
    ROWS
}
