/**
 * Machine learning on frames larger than memory, in the style of Spark MLlib.
 *
 * <pre>
 *   DataFrame ──▶ Transformer.transform ──▶ DataFrame        (lazy: adds columns by expressions)
 *   DataFrame ──▶ Estimator.fit ──▶ Model                     (passes over the chunks)
 *   Pipeline(stage, stage, ..., learner).fit(train) ──▶ PipelineModel
 *   Evaluator.evaluate(model.transform(test)) ──▶ Metrics     (parallel, out of core)
 * </pre>
 *
 * <p>A learner collects its input once into the session's chunk store (which spills to disk past
 * the memory limit) and then streams the chunks on every pass, computing loss and gradient per chunk
 * on the session's workers and adding them up in chunk order, so results do not depend on the
 * number of workers. Feature columns are read straight from the chunks' off-heap vectors: the
 * training set is never copied onto the Java heap.
 *
 * <p>Subpackages: {@code feature} (assembling, scaling, one-hot, hashing, imputing), {@code optim}
 * (L-BFGS, OWL-QN, mini-batch SGD with Adam), {@code classification}, {@code regression},
 * {@code eval} (metrics) and {@code tuning} (hyperparameter search).
 */
package org.spillway.ml;
