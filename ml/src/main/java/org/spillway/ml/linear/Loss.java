package org.spillway.ml.linear;

/**
 * A per-row loss of one margin {@code m} (the linear predictor) against a label {@code y}; the
 * softmax loss of several margins lives in {@link GlmObjective}.
 */
public enum Loss {
    /** Logistic (binary cross-entropy) for y in {0, 1}: {@code log(1 + e^m) - y m}. */
    LOGISTIC {
        @Override
        double apply(double[] m, double[] y, double[] w, int n, double[] deriv) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double mi = m[i];
                double wi = w == null ? 1 : w[i];
                // log(1 + e^m) without overflow, and sigma(m) from the same exponential
                double e = Math.exp(-Math.abs(mi));
                double softplus = Math.max(mi, 0) + Math.log1p(e);
                double sigma = mi >= 0 ? 1 / (1 + e) : e / (1 + e);
                sum += wi * (softplus - y[i] * mi);
                deriv[i] = wi * (sigma - y[i]);
            }
            return sum;
        }
    },
    /** Squared error: {@code (m - y)^2 / 2}. */
    SQUARED {
        @Override
        double apply(double[] m, double[] y, double[] w, int n, double[] deriv) {
            double sum = 0;
            if (w == null) {
                for (int i = 0; i < n; i++) {
                    double r = m[i] - y[i];
                    sum += r * r;
                    deriv[i] = r;
                }
            } else {
                for (int i = 0; i < n; i++) {
                    double r = m[i] - y[i];
                    sum += w[i] * r * r;
                    deriv[i] = w[i] * r;
                }
            }
            return sum / 2;
        }
    },
    /** Hinge for y in {0, 1} read as -1/+1: {@code max(0, 1 - (2y - 1) m)}, with the subgradient 0 at the kink. */
    HINGE {
        @Override
        double apply(double[] m, double[] y, double[] w, int n, double[] deriv) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double s = 2 * y[i] - 1;
                double wi = w == null ? 1 : w[i];
                double h = 1 - s * m[i];
                if (h > 0) {
                    sum += wi * h;
                    deriv[i] = -wi * s;
                } else {
                    deriv[i] = 0;
                }
            }
            return sum;
        }
    };

    /**
     * The weighted loss summed over rows {@code 0..n-1}; writes {@code w_i * dloss/dm} for each row
     * into {@code deriv}. {@code w} may be null (all weights 1).
     */
    abstract double apply(double[] m, double[] y, double[] w, int n, double[] deriv);
}
