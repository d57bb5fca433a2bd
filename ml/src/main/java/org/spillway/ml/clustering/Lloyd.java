package org.spillway.ml.clustering;

import java.util.Arrays;
import java.util.function.Predicate;
import org.spillway.ml.optim.Iteration;
import org.spillway.ml.optim.IterationListener;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;

/**
 * Lloyd's algorithm out of core, as Spark's {@code KMeans}: each iteration is one parallel pass over
 * the chunks in which every row is assigned to its nearest centre ({@link Centers#nearest}) and each
 * chunk sums its rows per cluster; the chunks' sums are added in chunk order, so the result is the
 * same at any parallelism, and every centre becomes the mean of its rows. A centre that gets no row
 * keeps its place (as in Spark). Training stops after {@code maxIter} iterations or when no centre
 * moved more than {@code tol} (euclidean distance; Spark's rule). A last pass then measures the cost
 * (sum of squared distances to the nearest centre, computed exactly, not by the norm identity) and
 * the cluster sizes of the final centres, unless the last iteration moved no centre at all, in which
 * case its own cost and sizes are those of the final centres.
 */
public final class Lloyd {
    private Lloyd() {
    }

    /**
     * The outcome of training.
     *
     * @param centers     the final centres
     * @param cost        the sum of squared distances from each row to its nearest final centre
     * @param sizes       the rows nearest each final centre
     * @param iterations  Lloyd iterations run
     * @param converged   whether every centre moved at most {@code tol} in the last iteration
     * @param costHistory the cost of each iteration's assignment (before its update)
     * @param passes      passes over the data, the last measuring one included
     */
    public record Result(double[][] centers, double cost, long[] sizes, int iterations, boolean converged, double[] costHistory,
                         int passes) {
    }

    /** What one pass learned: per cluster sums and counts, and the cost of the assignment. */
    public static final class Sums {
        final double[] sum;
        final long[] count;
        double cost;

        Sums(int k, int d) {
            sum = new double[k * d];
            count = new long[k];
        }

        /** The sum of squared distances from each row to its nearest centre. */
        public double cost() {
            return cost;
        }

        /** The rows nearest each centre (a copy). */
        public long[] counts() {
            return count.clone();
        }

        void add(Sums o) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += o.sum[i];
            }
            for (int i = 0; i < count.length; i++) {
                count[i] += o.count[i];
            }
            cost += o.cost;
        }
    }

    /** One pass (one Lloyd iteration without the update): every row's nearest centre, summed per cluster in chunk order. */
    public static Sums assign(Points p, Centers centers) {
        int k = centers.k();
        int d = centers.dims();
        Sums total = new Sums(k, d);
        p.pass(c -> chunkSums(p, c, centers), total::add);
        return total;
    }

    private static Sums chunkSums(Points p, Chunk chunk, Centers centers) {
        int k = centers.k();
        int d = centers.dims();
        Sums s = new Sums(k, d);
        ColumnVector[] cols = p.vectors(chunk);
        Tile t = new Tile(d);
        int n = chunk.rows();
        double[] sum = s.sum;
        long[] count = s.count;
        double cost = 0;
        for (int from = 0; from < n; from += Tile.ROWS) {
            t.read(cols, from, Math.min(Tile.ROWS, n - from));
            centers.nearest(t);
            for (int i = 0; i < t.n; i++) {
                int b = t.index[i];
                count[b]++;
                cost += t.squaredDistance(i, centers.center(b));
            }
            for (int j = 0; j < d; j++) {
                double[] xj = t.x[j];
                for (int i = 0; i < t.n; i++) {
                    sum[t.index[i] * d + j] += xj[i];
                }
            }
        }
        s.cost = cost;
        return s;
    }

    /**
     * The state after one iteration, offered to the {@code goOn} test of
     * {@link #run(Points, double[][], int, double, IterationListener, Predicate)}.
     *
     * @param iteration   iterations run (1 for the first)
     * @param centers     the centres after this iteration's update (a copy)
     * @param sizes       the rows assigned to each centre by this iteration (before the update)
     * @param costHistory the cost of each iteration's assignment so far
     * @param converged   whether no centre moved more than {@code tol}
     * @param passes      passes over the data so far
     */
    public record Step(int iteration, double[][] centers, long[] sizes, double[] costHistory, boolean converged, int passes) {
    }

    /** Runs Lloyd's iterations from {@code initial} to {@code maxIter} or convergence. */
    public static Result run(Points p, double[][] initial, int maxIter, double tol, IterationListener listener) {
        return run(p, initial, maxIter, tol, listener, null);
    }

    /**
     * Runs Lloyd's iterations from {@code initial}; after each, {@code goOn} (if not null) sees the
     * new centres and may end training there by answering false (the result then holds those
     * centres, their cost and sizes measured by the last pass, and {@code converged} false unless
     * that iteration converged).
     *
     * @param p        the data
     * @param initial  the starting centres
     * @param maxIter  the most iterations, {@code >= 0}
     * @param tol      the convergence distance, {@code >= 0}
     * @param listener receives each iteration: its assignment's cost as the objective and the largest
     *                 distance a centre moved as the "gradient norm"
     * @param goOn     told of each iteration's outcome; false stops training, or null
     */
    public static Result run(Points p, double[][] initial, int maxIter, double tol, IterationListener listener, Predicate<Step> goOn) {
        long t0 = System.nanoTime();
        Centers centers = new Centers(initial);
        int k = centers.k();
        int d = centers.dims();
        double[] history = new double[maxIter];
        int iter = 0;
        int passes = 0;
        boolean converged = false;
        boolean moved = true;
        Sums last = null;
        while (iter < maxIter && !converged) {
            last = assign(p, centers);
            passes++;
            double[][] next = centers.toArray();
            double maxMove = 0;
            moved = false;
            for (int c = 0; c < k; c++) {
                if (last.count[c] == 0) {
                    continue; // an empty cluster keeps its centre, as in Spark
                }
                double inv = 1.0 / last.count[c];
                double move = 0;
                for (int j = 0; j < d; j++) {
                    double v = last.sum[c * d + j] * inv;
                    double delta = v - next[c][j];
                    move += delta * delta;
                    moved |= delta != 0;
                    next[c][j] = v;
                }
                maxMove = Math.max(maxMove, move);
            }
            centers = new Centers(next);
            history[iter] = last.cost;
            iter++;
            converged = maxMove <= tol * tol;
            listener.onIteration(new Iteration(iter, last.cost, Math.sqrt(maxMove), passes, System.nanoTime() - t0));
            if (goOn != null && !goOn.test(new Step(iter, centers.toArray(), last.count.clone(), Arrays.copyOf(history, iter), converged,
                    passes))) {
                break;
            }
        }
        if (moved || last == null) {
            last = assign(p, centers);
            passes++;
        }
        return new Result(centers.toArray(), last.cost, last.count.clone(), iter, converged, Arrays.copyOf(history, iter), passes);
    }
}
