package org.spillway.ml.recommendation;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.spillway.frame.DataFrame;
import org.spillway.ml.MlException;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.IntVector;

/**
 * One half of an ALS iteration: every destination factor (every user, or every item) solved from
 * the fixed source factors, by streaming the ratings sorted by destination.
 *
 * <p>The ratings are a collected frame of {@code (dst int32, src int32, rating float64)} sorted by
 * {@code (dst, src)} (stably, so duplicates keep their input order): the chunk store holds it and
 * spills it. The chunks are mapped in parallel; a chunk's destinations whose ratings lie wholly
 * inside it are solved on the worker that read it and written to their own slots of the factor
 * array (each destination by exactly one worker, so no two writes meet). The first and last
 * destination of a chunk may continue in a neighbouring chunk: their ratings are copied out and
 * joined, in chunk order, with those of the neighbour, and solved on the thread that receives the
 * chunks in order. So every destination's normal equations are summed over its ratings in sorted
 * order whatever the chunk boundaries, the parallelism or the scheduling: the result is the same
 * bit for bit in memory and spilled, on one worker or many.
 *
 * <p>Per destination with ratings {@code r_j} of sources {@code y_j} (n of them): explicit feedback
 * solves {@code (sum y_j y_j^T + regParam n I) x = sum r_j y_j} (ALS-WR, as Spark); implicit feedback
 * ({@code c_j = 1 + alpha |r_j|}, preference {@code p_j = [r_j > 0]}, {@code n} the positive ratings)
 * solves {@code (Y^T Y + sum (c_j - 1) y_j y_j^T + regParam n I) x = sum c_j p_j y_j}, with
 * {@code Y^T Y} over all sources computed once per half-step. Each worker reuses one scratch
 * ({@link NormalEquations} and chunk buffers).
 */
final class HalfStep {
    static final String DST = "dst";
    static final String SRC = "src";
    static final String RATING = "r";

    private final DataFrame sorted;
    private final int rank;
    private final double regParam;
    private final boolean implicit;
    private final double alpha;
    private final boolean nonnegative;
    private final IdIndex dstIds;
    private final String dstName;
    private final ThreadLocal<Scratch> scratch;

    /** Whether {@link #terms()} includes the data term (the user step's; the item step's is stale at the iteration's end). */
    private final boolean dataTerm;
    /** Per destination after the last run: its penalty term, plus its data term when {@link #dataTerm}. */
    private double[] terms;

    HalfStep(DataFrame sorted, int rank, double regParam, boolean implicit, double alpha, boolean nonnegative, IdIndex dstIds,
             String dstName, boolean dataTerm) {
        this.sorted = sorted;
        this.dataTerm = dataTerm;
        this.rank = rank;
        this.regParam = regParam;
        this.implicit = implicit;
        this.alpha = alpha;
        this.nonnegative = nonnegative;
        this.dstIds = dstIds;
        this.dstName = dstName;
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(rank));
    }

    /** A worker's buffers. */
    private static final class Scratch {
        final NormalEquations ne;
        int[] dst = new int[0];
        int[] src = new int[0];
        double[] r = new double[0];

        Scratch(int rank) {
            ne = new NormalEquations(rank);
        }

        void read(Chunk c) {
            int n = c.rows();
            if (dst.length < n) {
                dst = new int[n];
                src = new int[n];
                r = new double[n];
            }
            MemorySegment.copy(((IntVector) c.column(DST)).data(), ValueLayout.JAVA_INT, 0, dst, 0, n);
            MemorySegment.copy(((IntVector) c.column(SRC)).data(), ValueLayout.JAVA_INT, 0, src, 0, n);
            MemorySegment.copy(((DoubleVector) c.column(RATING)).data(), ValueLayout.JAVA_DOUBLE, 0, r, 0, n);
        }
    }

    /** The ratings of one destination (or its part in one chunk), copied off a chunk. */
    private static final class Group {
        final int dst;
        int[] src;
        double[] r;
        int n;

        Group(int dst, int[] src, double[] r, int from, int to) {
            this.dst = dst;
            this.n = to - from;
            this.src = Arrays.copyOfRange(src, from, to);
            this.r = Arrays.copyOfRange(r, from, to);
        }

        void append(Group g) {
            if (src.length < n + g.n) {
                int cap = Math.max(n + g.n, 2 * src.length);
                src = Arrays.copyOf(src, cap);
                r = Arrays.copyOf(r, cap);
            }
            System.arraycopy(g.src, 0, src, n, g.n);
            System.arraycopy(g.r, 0, r, n, g.n);
            n += g.n;
        }
    }

    /**
     * Solves every destination into {@code dstFactors} (row-major, {@code rank} per destination) from
     * {@code srcFactors}; {@code gram} is {@code Y^T Y} of the sources for implicit feedback, else null.
     * Afterwards {@link #terms()} holds each destination's terms of the objective.
     */
    void run(double[] srcFactors, double[] dstFactors, double[] gram) {
        int nDst = dstFactors.length / rank;
        if (terms == null || terms.length != nDst) {
            terms = new double[nDst];
        }
        Scratch edgeScratch = new Scratch(rank);
        Group[] pending = {null};
        sorted.mapChunksOrdered(chunk -> {
            Scratch s = scratch.get();
            s.read(chunk);
            int n = chunk.rows();
            List<Group> edges = new ArrayList<>(2);
            int from = 0;
            while (from < n) {
                int d = s.dst[from];
                int to = from + 1;
                while (to < n && s.dst[to] == d) {
                    to++;
                }
                if (from == 0 || to == n) {
                    edges.add(new Group(d, s.src, s.r, from, to));
                } else {
                    solve(s.ne, d, s.src, s.r, from, to, srcFactors, dstFactors, gram);
                }
                from = to;
            }
            return edges;
        }, edges -> {
            for (Group g : edges) {
                Group p = pending[0];
                if (p != null && p.dst == g.dst) {
                    p.append(g);
                } else {
                    if (p != null) {
                        solve(edgeScratch.ne, p.dst, p.src, p.r, 0, p.n, srcFactors, dstFactors, gram);
                    }
                    pending[0] = g;
                }
            }
        });
        if (pending[0] != null) {
            Group p = pending[0];
            solve(edgeScratch.ne, p.dst, p.src, p.r, 0, p.n, srcFactors, dstFactors, gram);
        }
    }

    /**
     * Each destination's terms of the objective after {@link #run}: the penalty {@code regParam n |x|^2},
     * plus (with a data term) the squared error of its ratings, or with implicit feedback the weighted
     * loss over every source.
     */
    double[] terms() {
        return terms;
    }

    private void solve(NormalEquations ne, int d, int[] src, double[] r, int from, int to, double[] y, double[] x,
                       double[] gram) {
        int k = rank;
        ne.reset(implicit ? gram : null);
        int count = 0;
        for (int j = from; j < to; j++) {
            int off = src[j] * k;
            double rating = r[j];
            if (implicit) {
                double c1 = alpha * Math.abs(rating);
                ne.addOuter(y, off, c1);
                if (rating > 0) {
                    ne.addB(y, off, 1 + c1);
                    count++;
                }
            } else {
                ne.addOuter(y, off, 1);
                ne.addB(y, off, rating);
                count++;
            }
        }
        double lambda = regParam * count;
        ne.addDiagonal(lambda);
        boolean ok = nonnegative ? ne.solveNonNegative() : ne.solveCholesky();
        if (!ok) {
            throw new MlException(String.format(Locale.ROOT, "ALS: the normal equations of %s %d (%d ratings) are singular;"
                    + " set regParam(...) above 0 (now %s) or lower the rank (now %d)", dstName, dstIds.id(d), to - from,
                    regParam, rank));
        }
        int xo = d * k;
        System.arraycopy(ne.x, 0, x, xo, k);
        // the objective's terms, for progress reports
        double norm = 0;
        for (int c = 0; c < k; c++) {
            norm += x[xo + c] * x[xo + c];
        }
        if (!dataTerm) {
            terms[d] = lambda * norm;
            return;
        }
        double data = 0;
        for (int j = from; j < to; j++) {
            int off = src[j] * k;
            double s = 0;
            for (int c = 0; c < k; c++) {
                s += x[xo + c] * y[off + c];
            }
            double rating = r[j];
            if (implicit) {
                double c = 1 + alpha * Math.abs(rating);
                double p = rating > 0 ? 1 : 0;
                data += c * (p - s) * (p - s) - s * s;
            } else {
                data += (rating - s) * (rating - s);
            }
        }
        if (implicit) {
            // x^T (Y^T Y) x: the loss of every source at preference 0 and confidence 1
            double q = 0;
            for (int a = 0; a < k; a++) {
                double t = gram[a * k + a] * x[xo + a];
                for (int b = a + 1; b < k; b++) {
                    t += 2 * gram[a * k + b] * x[xo + b];
                }
                q += x[xo + a] * t;
            }
            data += q;
        }
        terms[d] = data + lambda * norm;
    }

    /** {@code Y^T Y} (upper triangle, row-major) of the factors {@code f} of {@code rank} columns, summed in row order. */
    static double[] gram(double[] f, int rank) {
        double[] g = new double[rank * rank];
        int n = f.length / rank;
        for (int i = 0; i < n; i++) {
            int off = i * rank;
            for (int a = 0; a < rank; a++) {
                double v = f[off + a];
                int row = a * rank;
                for (int b = a; b < rank; b++) {
                    g[row + b] += v * f[off + b];
                }
            }
        }
        return g;
    }
}
