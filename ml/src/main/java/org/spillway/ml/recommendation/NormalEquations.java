package org.spillway.ml.recommendation;

/**
 * One least-squares problem of ALS: the normal equations {@code A x = b} of one user or item, with
 * {@code A} a symmetric {@code k x k} matrix (only its upper triangle is accumulated and read) in a
 * row-major array, solved by Cholesky, or, for {@code nonnegative(true)}, by the Lawson-Hanson
 * active-set method (non-negative least squares on the normal equations). One instance is a
 * worker's scratch: it is reused for every problem the worker solves and is not thread-safe.
 */
final class NormalEquations {
    final int k;
    /** The matrix, row-major, upper triangle used. */
    final double[] a;
    /** The right-hand side. */
    final double[] b;
    /** The solution. */
    final double[] x;
    private final double[] l;
    private final double[] y;
    // NNLS scratch
    private final boolean[] passive;
    private final double[] z;
    private final double[] w;
    private final int[] idx;
    private final double[] sub;
    private final double[] subB;
    private final double[] subX;

    NormalEquations(int k) {
        this.k = k;
        a = new double[k * k];
        b = new double[k];
        x = new double[k];
        l = new double[k * k];
        y = new double[k];
        passive = new boolean[k];
        z = new double[k];
        w = new double[k];
        idx = new int[k];
        sub = new double[k * k];
        subB = new double[k];
        subX = new double[k];
    }

    /** Starts a problem with {@code A = base} (or zero when base is null) and {@code b = 0}. */
    void reset(double[] base) {
        if (base == null) {
            java.util.Arrays.fill(a, 0);
        } else {
            System.arraycopy(base, 0, a, 0, a.length);
        }
        java.util.Arrays.fill(b, 0);
    }

    /** {@code A += c * v v^T} (upper triangle) for {@code v = f[off .. off + k)}. */
    void addOuter(double[] f, int off, double c) {
        for (int r = 0; r < k; r++) {
            double vr = c * f[off + r];
            int row = r * k;
            for (int s = r; s < k; s++) {
                a[row + s] += vr * f[off + s];
            }
        }
    }

    /** {@code b += c * v} for {@code v = f[off .. off + k)}. */
    void addB(double[] f, int off, double c) {
        for (int r = 0; r < k; r++) {
            b[r] += c * f[off + r];
        }
    }

    /** {@code A += lambda I}. */
    void addDiagonal(double lambda) {
        for (int r = 0; r < k; r++) {
            a[r * k + r] += lambda;
        }
    }

    /**
     * Solves {@code A x = b} into {@link #x} by Cholesky ({@code A = L L^T}).
     *
     * @return false if {@code A} is not positive definite (then {@link #x} is unspecified)
     */
    boolean solveCholesky() {
        return cholesky(a, b, x, k, l, y);
    }

    /**
     * Solves {@code min 1/2 x^T A x - b^T x} subject to {@code x >= 0} into {@link #x}, by Lawson and
     * Hanson's active-set method on the normal equations: variables enter the passive (free) set by
     * the largest positive gradient entry and leave it when an interpolation step reaches zero; each
     * inner step solves the passive sub-system by Cholesky.
     *
     * @return false if a passive sub-system is not positive definite
     */
    boolean solveNonNegative() {
        java.util.Arrays.fill(x, 0);
        java.util.Arrays.fill(passive, false);
        double scale = 0;
        for (int r = 0; r < k; r++) {
            scale = Math.max(scale, Math.abs(b[r]));
            scale = Math.max(scale, Math.abs(a[r * k + r]));
        }
        double tol = 1e-12 * Math.max(1, scale);
        for (int outer = 0; outer < 3 * k + 10; outer++) {
            gradient();
            int t = -1;
            double best = tol;
            for (int j = 0; j < k; j++) {
                if (!passive[j] && w[j] > best) {
                    best = w[j];
                    t = j;
                }
            }
            if (t < 0) {
                return true;
            }
            passive[t] = true;
            for (int inner = 0; inner < 3 * k + 10; inner++) {
                if (!solvePassive()) {
                    return false;
                }
                boolean allPositive = true;
                for (int j = 0; j < k; j++) {
                    if (passive[j] && z[j] <= 0) {
                        allPositive = false;
                        break;
                    }
                }
                if (allPositive) {
                    System.arraycopy(z, 0, x, 0, k);
                    break;
                }
                double alpha = Double.POSITIVE_INFINITY;
                int leaving = -1;
                for (int j = 0; j < k; j++) {
                    if (passive[j] && z[j] <= 0) {
                        double d = x[j] - z[j];
                        double aj = d > 0 ? x[j] / d : 0;
                        if (aj < alpha) {
                            alpha = aj;
                            leaving = j;
                        }
                    }
                }
                for (int j = 0; j < k; j++) {
                    if (passive[j]) {
                        x[j] += alpha * (z[j] - x[j]);
                        if (j == leaving || x[j] <= 0) {
                            x[j] = 0;
                            passive[j] = false;
                        }
                    }
                }
            }
        }
        return true;
    }

    /** {@code w = b - A x} with the symmetric A read from its upper triangle. */
    private void gradient() {
        for (int r = 0; r < k; r++) {
            double s = b[r];
            for (int c = 0; c < k; c++) {
                s -= (r <= c ? a[r * k + c] : a[c * k + r]) * x[c];
            }
            w[r] = s;
        }
    }

    /** Solves the passive sub-system into {@code z} (0 outside the passive set). */
    private boolean solvePassive() {
        int m = 0;
        for (int j = 0; j < k; j++) {
            if (passive[j]) {
                idx[m++] = j;
            }
        }
        for (int r = 0; r < m; r++) {
            int ar = idx[r];
            subB[r] = b[ar];
            for (int c = r; c < m; c++) {
                int ac = idx[c];
                sub[r * m + c] = ar <= ac ? a[ar * k + ac] : a[ac * k + ar];
            }
        }
        if (!cholesky(sub, subB, subX, m, l, y)) {
            return false;
        }
        java.util.Arrays.fill(z, 0);
        for (int r = 0; r < m; r++) {
            z[idx[r]] = subX[r];
        }
        return true;
    }

    /**
     * Solves the {@code n x n} system whose upper triangle is in {@code m} (row-major, stride n) by
     * Cholesky into {@code out}, with {@code l} and {@code tmp} as scratch.
     */
    static boolean cholesky(double[] m, double[] rhs, double[] out, int n, double[] l, double[] tmp) {
        // L L^T = M, L lower triangular stored row-major in l
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = m[j * n + i]; // upper triangle: (j, i) with j <= i
                for (int p = 0; p < j; p++) {
                    s -= l[i * n + p] * l[j * n + p];
                }
                if (i == j) {
                    if (!(s > 0)) {
                        return false;
                    }
                    l[i * n + i] = Math.sqrt(s);
                } else {
                    l[i * n + j] = s / l[j * n + j];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            double s = rhs[i];
            for (int p = 0; p < i; p++) {
                s -= l[i * n + p] * tmp[p];
            }
            tmp[i] = s / l[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double s = tmp[i];
            for (int p = i + 1; p < n; p++) {
                s -= l[p * n + i] * out[p];
            }
            out[i] = s / l[i * n + i];
        }
        return true;
    }
}
