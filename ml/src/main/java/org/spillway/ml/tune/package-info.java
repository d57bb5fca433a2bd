/**
 * The engine of hyperparameter search behind {@link org.spillway.ml.Tuner}: search-space dimensions
 * and their seeded sampling ({@link org.spillway.ml.tune.Dimension}, {@link org.spillway.ml.tune.Sampler}),
 * the early-stopping rules ({@link org.spillway.ml.tune.Rule}: FIFO, ASHA, Hyperband as brackets of
 * ASHA), the runner of concurrent trials in lock-step ticks ({@link org.spillway.ml.tune.TrialRunner})
 * and the checkpoint directory ({@link org.spillway.ml.tune.Checkpoint}). It knows nothing of
 * learners or evaluators: a trial is a body that reports a metric per iteration and returns a model.
 */
package org.spillway.ml.tune;
