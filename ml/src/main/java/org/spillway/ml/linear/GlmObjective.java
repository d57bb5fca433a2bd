package org.spillway.ml.linear;

import java.util.concurrent.ConcurrentLinkedQueue;
import org.spillway.ml.MlException;
import org.spillway.ml.optim.DiffFunction;

/**
 * The regularised objective of a generalized linear model over a {@link TrainingSet}:
 *
 * <pre>
 *   f(theta) = (1 / W) * sum_i w_i * loss(y_i, m_i) + (l2 / 2) * sum_kj theta_kj^2
 *   m_ik     = b_k + sum_j theta_kj * x_ij / s_j
 * </pre>
 *
 * where W is the weight sum, s_j the feature's standard deviation when standardizing (else 1), and
 * the intercepts b_k are not penalised (an L1 term is left to the optimizer). With one margin the
 * loss is a {@link Loss}; with K margins it is the softmax cross-entropy
 * {@code log(sum_k e^m_k) - m_y}. The parameter vector holds, per margin k, the D coefficients and,
 * when fitting an intercept, then b_k.
 *
 * <p>Each {@link #compute} is one parallel pass over the training chunks: per chunk, margins are
 * built column by column from the chunk's vectors, then the loss derivative per row, then the
 * gradient by column, into a buffer that is added to the total in chunk order, so the result is
 * the same at any parallelism. Heap use: a few arrays of one chunk's rows per worker, plus one
 * gradient buffer per chunk in flight.
 */
public final class GlmObjective implements DiffFunction {
    /** Rows per tile: 4,096 rows of 20 features are 640 KiB, about a core's L2 cache. */
    static final int TILE = 4096;
    private final TrainingSet ts;
    private final Loss loss; // null: softmax over k margins
    private final int k;
    private final int d;
    private final boolean intercept;
    private final double[] invStd;
    private final double l2;
    private final int stride;
    private final ThreadLocal<Scratch> scratch;
    private final ConcurrentLinkedQueue<double[]> buffers = new ConcurrentLinkedQueue<>();
    private int passes;

    /**
     * @param ts        the data
     * @param loss      the loss of one margin, or null for softmax over {@code margins}
     * @param margins   1, or the number of classes for softmax
     * @param intercept whether each margin has an intercept
     * @param invStd    per feature position, the factor its value is scaled by (1/std, 0 to pin it at 0)
     * @param l2        the L2 weight ({@code regParam * (1 - elasticNetParam)})
     */
    public GlmObjective(TrainingSet ts, Loss loss, int margins, boolean intercept, double[] invStd, double l2) {
        this.ts = ts;
        this.loss = loss;
        this.k = margins;
        this.d = ts.layout().dimension();
        this.intercept = intercept;
        this.invStd = invStd.clone();
        this.l2 = l2;
        this.stride = d + (intercept ? 1 : 0);
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(ts.newBlock(), margins));
        if (loss == null && margins < 2) {
            throw new IllegalArgumentException("softmax needs at least 2 margins");
        }
    }

    /** The length of the parameter vector. */
    public int size() {
        return k * stride;
    }

    /** Data passes made so far. */
    public int passes() {
        return passes;
    }

    /** Per-thread arrays of one chunk's rows. */
    static final class Scratch {
        final DesignBlock block;
        double[][] margin;
        double[][] deriv;

        Scratch(DesignBlock block, int k) {
            this.block = block;
            margin = new double[k][0];
            deriv = new double[k][0];
        }

        void ensure(int n) {
            if (margin[0].length < n) {
                for (int c = 0; c < margin.length; c++) {
                    margin[c] = new double[n];
                    deriv[c] = new double[n];
                }
            }
        }
    }

    /** The same objective (scaling, penalty) over other rows with the same features, e.g. a validation set. */
    public GlmObjective on(TrainingSet other) {
        if (other.layout().dimension() != d) {
            throw new IllegalArgumentException("the other set has " + other.layout().dimension() + " features, not " + d);
        }
        if (loss == null && other.numClasses() > k) {
            throw new MlException("The validation rows hold class " + (other.numClasses() - 1) + ", which the training rows "
                    + "(classes 0.." + (k - 1) + ") lack; use a larger training share or stratify the data");
        }
        return new GlmObjective(other, loss, k, intercept, invStd, l2);
    }

    /** The effective coefficients (theta scaled by invStd), margin by margin. */
    double[][] effective(double[] theta) {
        return effectiveInto(theta, new double[k][d]);
    }

    double[][] effectiveInto(double[] theta, double[][] eff) {
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < d; j++) {
                eff[c][j] = theta[c * stride + j] * invStd[j];
            }
        }
        return eff;
    }

    double[] intercepts(double[] theta) {
        return interceptsInto(theta, new double[k]);
    }

    double[] interceptsInto(double[] theta, double[] b) {
        if (intercept) {
            for (int c = 0; c < k; c++) {
                b[c] = theta[c * stride + d];
            }
        }
        return b;
    }

    @Override
    public double compute(double[] theta, double[] grad) {
        double[][] eff = effective(theta);
        double[] icpt = intercepts(theta);
        int len = k * (d + 1) + 1; // raw sums per margin (features, then intercept), then the loss
        double[] total = new double[len];
        ts.pass(chunk -> {
            Scratch s = scratch.get();
            DesignBlock b = s.block.bind(chunk);
            double[] g = borrow(len);
            int rows = chunk.rows();
            double loss = 0;
            for (int from = 0; from < rows; from += TILE) { // row order within the chunk is fixed: deterministic
                b.readRows(from, Math.min(TILE, rows - from));
                loss += accumulate(b, null, 0, b.n, eff, icpt, s, g);
            }
            g[len - 1] = loss;
            return g;
        }, g -> {
            for (int i = 0; i < len; i++) {
                total[i] += g[i];
            }
            buffers.offer(g);
        });
        passes++;
        return finish(theta, total, ts.weightSum(), grad);
    }

    /** Turns raw sums (over rows of total weight {@code w}) into the objective and its gradient. */
    double finish(double[] theta, double[] raw, double w, double[] grad) {
        double reg = 0;
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < d; j++) {
                double t = theta[c * stride + j];
                grad[c * stride + j] = raw[c * (d + 1) + j] * invStd[j] / w + l2 * t;
                reg += t * t;
            }
            if (intercept) {
                grad[c * stride + d] = raw[c * (d + 1) + d] / w;
            }
        }
        return raw[raw.length - 1] / w + l2 / 2 * reg;
    }

    private double[] borrow(int len) {
        double[] g = buffers.poll();
        if (g == null || g.length != len) {
            return new double[len];
        }
        java.util.Arrays.fill(g, 0);
        return g;
    }

    /**
     * Adds the raw gradient sums of rows {@code rows[from..to)} (or {@code from..to} when rows is null)
     * into {@code g} and returns their weighted loss.
     */
    double accumulate(DesignBlock b, int[] rows, int from, int to, double[][] eff, double[] icpt, Scratch s, double[] g) {
        int n = to - from;
        s.ensure(n);
        double[][] m = s.margin;
        double[][] der = s.deriv;
        int nv = b.valueIndex.length;
        int nc = b.codeOffset.length;
        for (int c = 0; c < k; c++) {
            double[] mc = m[c];
            java.util.Arrays.fill(mc, 0, n, icpt[c]);
            double[] e = eff[c];
            for (int v = 0; v < nv; v++) {
                double ev = e[b.valueIndex[v]];
                if (ev == 0) {
                    continue;
                }
                double[] x = b.values[v];
                if (rows == null) {
                    for (int i = 0; i < n; i++) {
                        mc[i] += ev * x[from + i];
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        mc[i] += ev * x[rows[from + i]];
                    }
                }
            }
            for (int q = 0; q < nc; q++) {
                int off = b.codeOffset[q];
                int[] codes = b.codes[q];
                for (int i = 0; i < n; i++) {
                    int code = codes[rows == null ? from + i : rows[from + i]];
                    if (code >= 0) {
                        mc[i] += e[off + code];
                    }
                }
            }
        }
        double[] y = b.labels;
        double[] w = b.weights;
        double lossSum;
        if (rows != null || from != 0) { // gather labels and weights of the rows
            double[] yy = new double[n];
            double[] ww = w == null ? null : new double[n];
            for (int i = 0; i < n; i++) {
                int r = rows == null ? from + i : rows[from + i];
                yy[i] = y[r];
                if (ww != null) {
                    ww[i] = w[r];
                }
            }
            y = yy;
            w = ww;
        }
        lossSum = loss != null ? loss.apply(m[0], y, w, n, der[0]) : softmax(m, y, w, n, der);
        for (int c = 0; c < k; c++) {
            double[] dc = der[c];
            int base = c * (d + 1);
            double sumD = 0;
            for (int i = 0; i < n; i++) {
                sumD += dc[i];
            }
            g[base + d] += sumD;
            for (int v = 0; v < nv; v++) {
                double[] x = b.values[v];
                double dot = 0;
                if (rows == null) {
                    for (int i = 0; i < n; i++) {
                        dot += dc[i] * x[from + i];
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        dot += dc[i] * x[rows[from + i]];
                    }
                }
                g[base + b.valueIndex[v]] += dot;
            }
            for (int q = 0; q < nc; q++) {
                int off = base + b.codeOffset[q];
                int[] codes = b.codes[q];
                for (int i = 0; i < n; i++) {
                    int code = codes[rows == null ? from + i : rows[from + i]];
                    if (code >= 0) {
                        g[off + code] += dc[i];
                    }
                }
            }
        }
        return lossSum;
    }

    /** Softmax cross-entropy over k margins; writes {@code w_i * (p_ik - [y_i = k])}. */
    private double softmax(double[][] m, double[] y, double[] w, int n, double[][] der) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                max = Math.max(max, m[c][i]);
            }
            double z = 0;
            for (int c = 0; c < k; c++) {
                double e = Math.exp(m[c][i] - max);
                der[c][i] = e;
                z += e;
            }
            int yi = (int) y[i];
            double wi = w == null ? 1 : w[i];
            sum += wi * (Math.log(z) + max - m[yi][i]);
            for (int c = 0; c < k; c++) {
                der[c][i] = wi * (der[c][i] / z - (c == yi ? 1 : 0));
            }
        }
        return sum;
    }
}
