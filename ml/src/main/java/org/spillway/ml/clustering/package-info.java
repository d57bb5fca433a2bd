/**
 * The engine behind {@code org.spillway.ml.KMeans} and {@code org.spillway.ml.ClusteringEvaluator}.
 *
 * <pre>
 *  KMeans.fit(frame)
 *    v
 *  Points.prepare: select the feature columns, collect() once into the chunk store (unless already
 *    |             collected); pass 1 checks every value (null, NaN, infinite: an error naming column
 *    |             and row) and records each chunk's row count and a fingerprint of its values
 *    v
 *  KMeansInit: "random" (k distinct rows, 1 pass) or "k-means||" (1 + 2 x initSteps + 1 passes, then
 *    |         k-means++ and 30 Lloyd iterations on the weighted candidates, in memory)
 *    v
 *  Lloyd.run: per iteration 1 parallel pass; per chunk, per tile of 128 rows, the nearest centre by
 *    |        |x|^2 + |c|^2 - 2 x.c (Centers.nearest) and per-cluster sums; sums added in chunk order
 *    v
 *  Result: centres, cost and sizes of the final centres (+1 pass unless nothing moved), iterations
 * </pre>
 *
 * <p>Invariants and costs:
 * <ul>
 *   <li><b>Out of core</b>: only the stored chunks hold the data; every pass streams them again
 *       through {@code DataFrame.mapChunksOrdered}. Per chunk in flight: one tile (128 rows x d
 *       doubles) and the per-cluster sums (k x d doubles).</li>
 *   <li><b>Deterministic</b>: chunk results are added in chunk order; random draws are functions of
 *       the seed and global row numbers ({@link org.spillway.ml.clustering.Rand}); a pass finds its
 *       chunk's first row number by the chunk's fingerprint ({@link org.spillway.ml.clustering.Points#occurrences}).
 *       So the model is the same at any parallelism and spilled or in memory.</li>
 *   <li><b>Distances</b>: the nearest centre is found with the norm identity (centre norms cached,
 *       dot products four features at a time over a tile's rows, which the JIT turns into SIMD
 *       code); costs are then computed exactly, as sums of squared differences to the chosen centre.
 *       Euclidean distance only.</li>
 * </ul>
 */
package org.spillway.ml.clustering;
