package org.spillway.ml;

import java.util.Arrays;

/** Picks at most a given number of points of a polyline, evenly spaced along its length. */
final class CurveSampler {
    private CurveSampler() {
    }

    /**
     * Indices of at most {@code maxPoints} points of the polyline {@code (x[i], y[i])}, always the
     * first and the last, the others where the cumulative L1 length crosses equal steps (so straight
     * stretches get few points and bends many).
     */
    static int[] pick(double[] x, double[] y, int maxPoints) {
        if (maxPoints < 2) {
            throw new MlException("A curve needs maxPoints >= 2 (its two ends), got " + maxPoints);
        }
        int m = x.length;
        if (m <= maxPoints) {
            int[] all = new int[m];
            Arrays.setAll(all, i -> i);
            return all;
        }
        double[] s = new double[m];
        for (int i = 1; i < m; i++) {
            s[i] = s[i - 1] + Math.abs(x[i] - x[i - 1]) + Math.abs(y[i] - y[i - 1]);
        }
        double total = s[m - 1];
        int[] out = new int[maxPoints];
        int n = 0;
        out[n++] = 0;
        int j = 0;
        for (int k = 1; k < maxPoints - 1; k++) {
            if (total > 0) {
                double target = total * k / (maxPoints - 1);
                while (j < m - 1 && s[j] < target) {
                    j++;
                }
            } else {
                j = (int) ((long) (m - 1) * k / (maxPoints - 1));
            }
            if (j > out[n - 1] && j < m - 1) {
                out[n++] = j;
            }
        }
        out[n++] = m - 1;
        return Arrays.copyOf(out, n);
    }
}
