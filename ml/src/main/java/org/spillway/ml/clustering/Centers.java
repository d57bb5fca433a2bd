package org.spillway.ml.clustering;

/**
 * Cluster centres with their squared norms cached, and the kernel that finds each row's nearest
 * centre by {@code |x - c|^2 = |x|^2 + |c|^2 - 2 x.c}: per centre, the dot products of a whole
 * tile are accumulated four features at a time in a loop over the tile's rows, which the JIT
 * compiles to SIMD instructions; {@code |x|^2} is the same for every centre and is left out of the
 * comparison. Ties go to the lowest centre index, as in Spark. Immutable.
 */
public final class Centers {
    private final double[][] c;
    private final double[] norm;
    private final int dims;

    /** Wraps {@code centers} (k rows of d values; copied). */
    public Centers(double[][] centers) {
        if (centers.length == 0) {
            throw new IllegalArgumentException("no centres");
        }
        dims = centers[0].length;
        c = new double[centers.length][];
        norm = new double[centers.length];
        for (int k = 0; k < centers.length; k++) {
            if (centers[k].length != dims) {
                throw new IllegalArgumentException("centre " + k + " has " + centers[k].length + " values, not " + dims);
            }
            c[k] = centers[k].clone();
            double s = 0;
            for (double v : c[k]) {
                s += v * v;
            }
            norm[k] = s;
        }
    }

    /** The number of centres. */
    public int k() {
        return c.length;
    }

    /** The number of features. */
    public int dims() {
        return dims;
    }

    /** Centre {@code k} (not a copy: do not change it). */
    double[] center(int k) {
        return c[k];
    }

    /** A copy of the centres. */
    public double[][] toArray() {
        double[][] out = new double[c.length][];
        for (int k = 0; k < c.length; k++) {
            out[k] = c[k].clone();
        }
        return out;
    }

    /** Sets {@code t.dot[i]} to the dot product of row {@code i} of {@code t} with centre {@code k}. */
    void dots(Tile t, int k) {
        dot(t, c[k]);
    }

    /** The squared norm of centre {@code k}. */
    double norm(int k) {
        return norm[k];
    }

    private void dot(Tile t, double[] ck) {
        int n = t.n;
        double[] dot = t.dot;
        double[][] x = t.x;
        java.util.Arrays.fill(dot, 0, n, 0);
        int d4 = dims & ~3;
        int j = 0;
        for (; j < d4; j += 4) {
            double a0 = ck[j];
            double a1 = ck[j + 1];
            double a2 = ck[j + 2];
            double a3 = ck[j + 3];
            double[] x0 = x[j];
            double[] x1 = x[j + 1];
            double[] x2 = x[j + 2];
            double[] x3 = x[j + 3];
            for (int i = 0; i < n; i++) {
                dot[i] += x0[i] * a0 + x1[i] * a1 + x2[i] * a2 + x3[i] * a3;
            }
        }
        for (; j < dims; j++) {
            double a = ck[j];
            double[] xj = x[j];
            for (int i = 0; i < n; i++) {
                dot[i] += xj[i] * a;
            }
        }
    }

    /**
     * Sets {@code t.index[i]} to the nearest centre of each row of {@code t} and {@code t.best[i]} to
     * {@code |c|^2 - 2 x.c} for it (add {@code |x|^2} for the squared distance).
     */
    void nearest(Tile t) {
        int n = t.n;
        double[] best = t.best;
        int[] index = t.index;
        double[] dot = t.dot;
        java.util.Arrays.fill(best, 0, n, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(index, 0, n, 0);
        for (int k = 0; k < c.length; k++) {
            dot(t, c[k]);
            double nk = norm[k];
            for (int i = 0; i < n; i++) {
                double v = nk - 2 * dot[i];
                if (v < best[i]) {
                    best[i] = v;
                    index[i] = k;
                }
            }
        }
    }
}
