package org.spillway.ml.serve;

/**
 * How a batch of rows is scored ({@link ModelServer.Builder#scoring}; default {@link #AUTO}).
 */
public enum Scoring {
    /**
     * {@link #ROWS} when every stage of the model can score single rows (the built-in models can), else
     * {@link #FRAME}.
     */
    AUTO,
    /**
     * One {@code transform} over a small frame built from the batch's rows in the server's session: the same
     * expressions as offline scoring, vectorised over the batch; works for every model, but each batch pays for
     * building a frame and planning the query.
     */
    FRAME,
    /**
     * The model's per-row functions compiled once per deployment for the model's input columns
     * ({@code RowTransformer.compile}): each row of the batch goes through every stage as an array of values, with no
     * frame, no query plan and no map per row; for models whose every stage is a {@code RowTransformer}. The built-in
     * stages compute the same arithmetic as their {@code transform}, in the same order, so the outputs are bit-for-bit equal
     * to {@link #FRAME}'s (tested for one-hot encoding, scaling, binary and multinomial logistic regression, linear
     * regression and linear SVC, with unseen categories and nulls). A stage without a compiled form runs through its
     * {@code transformRow}.
     */
    ROWS
}
