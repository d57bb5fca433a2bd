/**
 * Machine learning on frames larger than memory, in the style of Spark MLlib. Everything a user
 * names lives in this one package, so {@code import org.spillway.ml.*;} is the only import needed.
 *
 * <pre>
 *   DataFrame ──▶ Transformer.transform ──▶ DataFrame        (lazy: adds columns by expressions)
 *   DataFrame ──▶ Estimator.fit ──▶ Model                     (passes over the chunks)
 *   Pipeline(stage, stage, ..., learner).fit(train) ──▶ PipelineModel
 *   Evaluator.evaluate(model.transform(test)) ──▶ Metrics     (parallel, out of core)
 * </pre>
 *
 * <ul>
 *   <li><b>Learners</b>: {@link org.spillway.ml.LogisticRegression} (binary and multinomial),
 *       {@link org.spillway.ml.LinearRegression} (least squares, ridge, lasso, elastic net) and
 *       {@link org.spillway.ml.LinearSVC} (hinge loss), with L-BFGS, OWL-QN for L1 and mini-batch
 *       SGD with Adam ({@code org.spillway.ml.optim}), sharing one engine ({@code org.spillway.ml.linear});
 *       {@link org.spillway.ml.KMeans} (k-means|| start, Lloyd passes; engine in {@code org.spillway.ml.clustering}).</li>
 *   <li><b>Features</b>: {@link org.spillway.ml.OneHotEncoder}, {@link org.spillway.ml.StandardScaler},
 *       {@link org.spillway.ml.FeatureHasher}, {@link org.spillway.ml.Imputer}. Encoded columns stay
 *       one int32 column each, marked by column metadata ({@link org.spillway.ml.FeatureMeta}); the
 *       learners expand them without materialising a wide matrix.</li>
 *   <li><b>Metrics</b>: {@link org.spillway.ml.BinaryClassificationEvaluator} (exact ROC AUC with
 *       ties as half, by an out-of-core group by and sort of the scores; PR area, log loss, the
 *       {@link org.spillway.ml.ConfusionMatrix} and its rates; ROC and PR curves),
 *       {@link org.spillway.ml.MulticlassClassificationEvaluator},
 *       {@link org.spillway.ml.RegressionEvaluator}, {@link org.spillway.ml.ClusteringEvaluator} (silhouette);
 *       {@link org.spillway.ml.Charts} draws ROC,
 *       precision-recall and loss curves as PNG files.</li>
 *   <li><b>Models</b> save to a versioned JSON file ({@link org.spillway.ml.ModelIO}) and load with
 *       {@link org.spillway.ml.Models#load}; a {@link org.spillway.ml.PipelineModel} also predicts
 *       single rows ({@link org.spillway.ml.PipelineModel#transformRow}).</li>
 * </ul>
 *
 * <p>A learner collects its input once into the session's chunk store (which spills to disk past
 * the memory limit) and then streams the chunks on every pass, computing loss and gradient per chunk
 * on the session's workers and adding them up in chunk order, so results do not depend on the
 * number of workers. Feature columns are read straight from the chunks' off-heap vectors: the
 * training set is never copied onto the Java heap. Evaluators likewise combine chunk results in row
 * order. Invalid input (a missing column, a string feature not encoded, a null, NaN or infinite
 * value, a label outside the classes, an empty frame, a corrupt or newer model file) is an
 * {@link org.spillway.ml.MlException} naming the column and row or the file.
 */
package org.spillway.ml;
