/**
 * Recommendation: {@link org.spillway.ml.recommendation.ALS}, matrix factorisation by alternating
 * least squares (explicit ratings or implicit feedback, optionally non-negative), and its
 * {@link org.spillway.ml.recommendation.ALSModel} (predictions, top-n recommendations for users and
 * items, the factors as frames). Spark MLlib's names and defaults, in the package Spark puts them
 * ({@code org.apache.spark.ml.recommendation}).
 *
 * <p>Out of core: the ratings are kept in the session's chunk store sorted by user and by item and
 * are streamed once per half-iteration; the factors of both sides are on the heap (see
 * {@link org.spillway.ml.recommendation.ALS}). This package builds on the root package's contracts
 * ({@code Estimator}, {@code Model}, {@code ModelIO}, {@code MlException}) and on frame's public
 * API only; its model reader is registered through {@code ModelIO.Readers}.
 */
package org.spillway.ml.recommendation;
