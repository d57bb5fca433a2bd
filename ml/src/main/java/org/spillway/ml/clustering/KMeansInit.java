package org.spillway.ml.clustering;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;

/**
 * The starting centres of k-means, as Spark's {@code KMeans}:
 * <ul>
 *   <li>{@link #random}: {@code k} distinct rows drawn uniformly (one pass to fetch them);</li>
 *   <li>{@link #parallel}: k-means|| (Bahmani et al., "Scalable k-means++", 2012): a first centre drawn
 *       uniformly, then {@code steps} rounds, each keeping every row independently with probability
 *       {@code min(1, 2k * cost(x) / sum cost)}, where {@code cost(x)} is the squared distance to the
 *       nearest candidate so far (two passes per round: the sum, then the draws, since per-row costs
 *       are recomputed rather than stored, which keeps the data the only thing stored); the distinct
 *       candidates are weighted by the rows nearest them (one pass) and, when there are more than
 *       {@code k}, reduced to {@code k} by k-means++ and 30 Lloyd iterations on the weighted
 *       candidates, in memory. As in Spark, when there are at most {@code k} distinct candidates
 *       they are all returned, so the model may have fewer than {@code k} centres (data with fewer
 *       than {@code k} distinct rows).</li>
 * </ul>
 * Every draw of a row is a function of the seed, the round and the row's global number (found through
 * {@link Points#occurrences}), so the centres are the same at any parallelism, spilled or not.
 */
public final class KMeansInit {
    private static final int LOCAL_ITERATIONS = 30;

    private KMeansInit() {
    }

    /**
     * Starting centres.
     *
     * @param centers the centres
     * @param passes  the passes over the data it took
     */
    public record Start(double[][] centers, int passes) {
    }

    /** {@code k} distinct rows chosen uniformly at random ({@code k <= rows}). */
    public static Start random(Points p, int k, long seed) {
        long n = p.rows();
        SplittableRandom r = new SplittableRandom(Rand.family(seed, 1));
        // Floyd's algorithm: k distinct numbers in [0, n)
        Set<Long> picked = new HashSet<>();
        List<Long> order = new ArrayList<>();
        for (long j = n - k; j < n; j++) {
            long t = r.nextLong(j + 1);
            Long v = picked.contains(t) ? j : t;
            picked.add(v);
            order.add(v);
        }
        Map<Long, double[]> rows = fetch(p, picked);
        double[][] out = new double[k][];
        for (int i = 0; i < k; i++) {
            out[i] = rows.get(order.get(i));
        }
        return new Start(out, 1);
    }

    /** The values of the rows numbered {@code wanted}, by row number. */
    static Map<Long, double[]> fetch(Points p, Set<Long> wanted) {
        long[] sorted = wanted.stream().mapToLong(Long::longValue).sorted().toArray();
        TreeMap<Long, double[]> out = new TreeMap<>();
        p.pass(c -> {
            List<Object[]> found = new ArrayList<>();
            ColumnVector[] cols = null;
            for (int at : p.occurrences(c)) {
                long start = p.chunkStart(at);
                int from = lowerBound(sorted, start);
                for (int w = from; w < sorted.length && sorted[w] < start + c.rows(); w++) {
                    if (cols == null) {
                        cols = p.vectors(c);
                    }
                    found.add(new Object[] {sorted[w], row(cols, (int) (sorted[w] - start))});
                }
            }
            return found;
        }, found -> {
            for (Object[] f : found) {
                out.put((Long) f[0], (double[]) f[1]);
            }
        });
        return out;
    }

    private static int lowerBound(long[] a, long key) {
        int i = Arrays.binarySearch(a, key);
        return i >= 0 ? i : -i - 1;
    }

    private static double[] row(ColumnVector[] cols, int i) {
        double[] out = new double[cols.length];
        double[] one = new double[1];
        for (int j = 0; j < cols.length; j++) {
            org.spillway.ml.linear.Vectors.readDoubles(cols[j], i, one, 1);
            out[j] = one[0];
        }
        return out;
    }

    /** k-means|| with {@code steps} rounds of oversampling (Spark's {@code initSteps}, default 2). */
    public static Start parallel(Points p, int k, int steps, long seed) {
        int passes = 1;
        long first = (long) Math.floor(Rand.uniform(Rand.family(seed, 2), 0) * p.rows());
        List<double[]> candidates = new ArrayList<>();
        candidates.add(fetch(p, Set.of(first)).get(first));
        for (int step = 0; step < steps; step++) {
            Centers cs = new Centers(candidates.toArray(double[][]::new));
            double[] sum = {0};
            p.pass(c -> chunkCost(p, c, cs), v -> sum[0] += v);
            passes++;
            if (!(sum[0] > 0)) {
                break; // every row is a candidate already
            }
            double scale = 2.0 * k / sum[0];
            long base = Rand.family(seed, 100 + step);
            TreeMap<Long, double[]> chosen = new TreeMap<>();
            p.pass(c -> draw(p, c, cs, scale, base), m -> chosen.putAll(m));
            passes++;
            candidates.addAll(chosen.values());
        }
        double[][] distinct = distinct(candidates);
        if (distinct.length <= k) {
            return new Start(distinct, passes);
        }
        Centers cs = new Centers(distinct);
        long[] counts = new long[distinct.length];
        p.pass(c -> nearestCounts(p, c, cs), part -> {
            for (int i = 0; i < counts.length; i++) {
                counts[i] += part[i];
            }
        });
        double[] w = new double[counts.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = counts[i];
        }
        return new Start(kMeansPlusPlus(distinct, w, k, LOCAL_ITERATIONS, new SplittableRandom(Rand.family(seed, 3))), passes + 1);
    }

    /** The candidates without repeats, in first-seen order. */
    static double[][] distinct(List<double[]> candidates) {
        Set<List<Double>> seen = new HashSet<>();
        List<double[]> out = new ArrayList<>();
        for (double[] c : candidates) {
            List<Double> key = Arrays.stream(c).map(v -> v == 0 ? 0.0 : v).boxed().toList();
            if (seen.add(key)) {
                out.add(c);
            }
        }
        return out.toArray(double[][]::new);
    }

    private static double chunkCost(Points p, Chunk chunk, Centers cs) {
        ColumnVector[] cols = p.vectors(chunk);
        Tile t = new Tile(cs.dims());
        int n = chunk.rows();
        double sum = 0;
        for (int from = 0; from < n; from += Tile.ROWS) {
            t.read(cols, from, Math.min(Tile.ROWS, n - from));
            cs.nearest(t);
            for (int i = 0; i < t.n; i++) {
                sum += Math.max(0, t.squaredNorm(i) + t.best[i]);
            }
        }
        return sum;
    }

    private static Map<Long, double[]> draw(Points p, Chunk chunk, Centers cs, double scale, long base) {
        ColumnVector[] cols = p.vectors(chunk);
        int[] at = p.occurrences(chunk);
        Tile t = new Tile(cs.dims());
        int n = chunk.rows();
        TreeMap<Long, double[]> out = new TreeMap<>();
        for (int from = 0; from < n; from += Tile.ROWS) {
            t.read(cols, from, Math.min(Tile.ROWS, n - from));
            cs.nearest(t);
            for (int i = 0; i < t.n; i++) {
                double cost = Math.max(0, t.squaredNorm(i) + t.best[i]);
                if (cost == 0) {
                    continue;
                }
                for (int c : at) {
                    long row = p.chunkStart(c) + from + i;
                    if (Rand.uniform(base, row) < scale * cost) {
                        double[] v = new double[cs.dims()];
                        for (int j = 0; j < v.length; j++) {
                            v[j] = t.x[j][i];
                        }
                        out.put(row, v);
                    }
                }
            }
        }
        return out;
    }

    private static long[] nearestCounts(Points p, Chunk chunk, Centers cs) {
        ColumnVector[] cols = p.vectors(chunk);
        Tile t = new Tile(cs.dims());
        int n = chunk.rows();
        long[] counts = new long[cs.k()];
        for (int from = 0; from < n; from += Tile.ROWS) {
            t.read(cols, from, Math.min(Tile.ROWS, n - from));
            cs.nearest(t);
            for (int i = 0; i < t.n; i++) {
                counts[t.index[i]]++;
            }
        }
        return counts;
    }

    /**
     * k-means++ on weighted points, then up to {@code maxIter} weighted Lloyd iterations, as Spark's
     * {@code LocalKMeans.kMeansPlusPlus}: an empty cluster is moved to a random point.
     */
    static double[][] kMeansPlusPlus(double[][] points, double[] weights, int k, int maxIter, SplittableRandom rand) {
        int n = points.length;
        int d = points[0].length;
        double[][] centers = new double[k][];
        centers[0] = pickWeighted(rand, points, weights);
        double[] cost = new double[n];
        for (int p = 0; p < n; p++) {
            cost[p] = sq(points[p], centers[0]);
        }
        for (int i = 1; i < k; i++) {
            double sum = 0;
            for (int p = 0; p < n; p++) {
                sum += cost[p] * weights[p];
            }
            double r = rand.nextDouble() * sum;
            double cum = 0;
            int j = 0;
            while (j < n && cum < r) {
                cum += weights[j] * cost[j];
                j++;
            }
            centers[i] = points[j == 0 ? 0 : j - 1].clone();
            for (int p = 0; p < n; p++) {
                cost[p] = Math.min(cost[p], sq(points[p], centers[i]));
            }
        }
        int[] old = new int[n];
        Arrays.fill(old, -1);
        boolean moved = true;
        for (int iter = 0; moved && iter < maxIter; iter++) {
            moved = false;
            double[] counts = new double[k];
            double[][] sums = new double[k][d];
            for (int p = 0; p < n; p++) {
                int best = 0;
                double bd = Double.POSITIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    double dist = sq(points[p], centers[c]);
                    if (dist < bd) {
                        bd = dist;
                        best = c;
                    }
                }
                for (int j = 0; j < d; j++) {
                    sums[best][j] += weights[p] * points[p][j];
                }
                counts[best] += weights[p];
                if (best != old[p]) {
                    moved = true;
                    old[p] = best;
                }
            }
            for (int c = 0; c < k; c++) {
                if (counts[c] == 0) {
                    centers[c] = points[rand.nextInt(n)].clone();
                } else {
                    for (int j = 0; j < d; j++) {
                        sums[c][j] /= counts[c];
                    }
                    centers[c] = sums[c];
                }
            }
        }
        return centers;
    }

    private static double[] pickWeighted(SplittableRandom rand, double[][] points, double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double r = rand.nextDouble() * total;
        int i = 0;
        double cum = 0;
        while (i < points.length && cum < r) {
            cum += weights[i];
            i++;
        }
        return points[i == 0 ? 0 : i - 1].clone();
    }

    private static double sq(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            double t = a[j] - b[j];
            s += t * t;
        }
        return s;
    }
}
