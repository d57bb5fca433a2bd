/**
 * Metrics of predictions, computed in parallel passes over a frame's chunks without copying the
 * data onto the heap, and charts of them.
 *
 * <ul>
 *   <li>{@link org.spillway.ml.eval.BinaryClassificationEvaluator} gives {@link org.spillway.ml.eval.BinaryMetrics}:
 *       the exact ROC AUC (ties as half; the rows grouped by score and the distinct scores sorted,
 *       both out of core, then swept once), the PR area, the log loss, the
 *       {@link org.spillway.ml.eval.ConfusionMatrix} at a threshold with accuracy, precision,
 *       recall and F1, and the curves as {@link org.spillway.ml.eval.RocPoint} and
 *       {@link org.spillway.ml.eval.PrPoint} lists;</li>
 *   <li>{@link org.spillway.ml.eval.MulticlassClassificationEvaluator} gives
 *       {@link org.spillway.ml.eval.MulticlassMetrics}: accuracy, per-class, macro and weighted
 *       precision, recall and F1, the log loss of the {@code probability_k} columns and the K x K
 *       confusion matrix;</li>
 *   <li>{@link org.spillway.ml.eval.RegressionEvaluator} gives {@link org.spillway.ml.eval.RegressionMetrics}:
 *       RMSE, MSE, MAE, R² and explained variance, in one pass with Chan's merging of moments;</li>
 *   <li>{@link org.spillway.ml.eval.Charts} draws ROC, precision-recall and loss curves as PNG
 *       files (XChart, headless).</li>
 * </ul>
 *
 * <p>Every evaluator takes an optional weight column. Chunk results are combined in row order, so
 * a metric is the same at any parallelism for the same chunking (the AUC's per-score weight sums,
 * added by the parallel group-by, may differ in the last bits with non-integer weights). Invalid
 * input (a missing column, a label out of range, a probability outside [0, 1], nulls, NaN, an
 * empty frame) is an {@link org.spillway.ml.MlException} naming the column, the number of offending
 * rows and the first of them.
 */
package org.spillway.ml.eval;
