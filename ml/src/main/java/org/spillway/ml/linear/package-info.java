/**
 * The engine behind the public linear learners of {@code org.spillway.ml}: {@code LogisticRegression},
 * {@code LinearRegression} and {@code LinearSVC} extend {@link org.spillway.ml.linear.LinearEstimator}
 * (Spark MLlib's parameter names and defaults, validated into a {@link org.spillway.ml.linear.LinearParams}
 * record) and their models extend {@link org.spillway.ml.linear.LinearModel}. A learner adds only its
 * {@link org.spillway.ml.linear.Loss} ({@code LOGISTIC}, {@code SQUARED}, {@code HINGE}; none for softmax
 * over K classes), its label kind, the intercepts to start from and how margins become predictions
 * ({@link org.spillway.ml.linear.ScoreExprs}, {@link org.spillway.ml.linear.OutputCols}).
 *
 * <pre>
 *  LinearEstimator.train(frame)
 *    | SGD with validationFraction &gt; 0: randomSplit into training and held-out rows
 *    v
 *  TrainingSet.prepare: select label, weight, features; collect() once into the chunk store (unless
 *    |                  already collected); pass 1 checks every value and sums rows, weights,
 *    |                  feature means and deviations, label classes or moments
 *    v
 *  LinearFitter.fit: GlmObjective on standardized features (1 / std, when standardization is on)
 *    |  L-BFGS, or OWL-QN with an L1 term: each objective evaluation = 1 parallel pass
 *    |  SGD with Adam: each epoch = 1 pass in a seeded chunk order (+1 pass on held-out rows)
 *    v
 *  Fit: coefficients mapped back to the features' own scale (softmax: centered, as Spark does)
 *    --&gt; LinearModelData (layout, K x D coefficients, K intercepts) + TrainingSummary --&gt; the model
 * </pre>
 *
 * <p>Invariants and costs:
 * <ul>
 *   <li><b>Out of core</b>: the data lives only in the chunk store, which spills past the memory limit;
 *       every pass streams the chunks again through {@code DataFrame.mapChunksOrdered}, and nothing of
 *       it stays on the heap between passes. What the learner collected it frees when training ends,
 *       with the held-out split.</li>
 *   <li><b>Deterministic</b>: a full pass reads each chunk in tiles of 4,096 rows into a per-thread
 *       {@code DesignBlock} (heap arrays: a double per numeric feature, a slot code per one-hot or
 *       hashed column, label, weight), computes margins, loss and gradient column by column, and adds
 *       the per-chunk sums in chunk order; SGD reads chunks in parallel ahead but applies updates one
 *       after the other in its seeded order. So results do not depend on the number of workers.</li>
 *   <li><b>Memory</b>: per worker one tile of heap arrays and a gradient buffer per chunk in flight
 *       (model-sized); SGD holds whole chunks (its rows are visited in a shuffled order) and reserves
 *       {@code (parallelism + 1)} such blocks from the budget as {@code "SGD blocks"}. One-hot and
 *       hashed features stay one int32 column each: the wide design matrix is never built.</li>
 *   <li><b>Checked input</b>: pass 1 fails, naming column and row, on a null, NaN or infinite value, a
 *       label outside the classes or a negative weight; a constant numeric feature cannot be
 *       standardized and fails fitting with the advice to drop it or turn standardization off.</li>
 * </ul>
 *
 * <p>{@link org.spillway.ml.linear.LinearModelData} scores a chunk as a frame expression reading the
 * chunk's vectors directly, or one row from a map, and reads and writes the model's JSON form;
 * {@link org.spillway.ml.linear.Vectors} reads numeric vectors into heap arrays for every pass.
 */
package org.spillway.ml.linear;
