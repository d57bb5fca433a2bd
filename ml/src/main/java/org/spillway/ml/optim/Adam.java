package org.spillway.ml.optim;

/**
 * The Adam update rule (Kingma and Ba, 2015) for mini-batch stochastic gradient descent: per
 * coordinate running averages of the gradient and its square, with bias correction.
 * {@code x -= lr * m_hat / (sqrt(v_hat) + eps)}. State: two vectors of the problem's size.
 */
public final class Adam {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double[] m;
    private final double[] v;
    private long t;

    /** Adam for {@code n} coordinates with the usual defaults (beta1 0.9, beta2 0.999, eps 1e-8). */
    public Adam(int n) {
        this(n, 0.9, 0.999, 1e-8);
    }

    /** Adam for {@code n} coordinates with the given decay rates and epsilon. */
    public Adam(int n, double beta1, double beta2, double eps) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0)) {
            throw new IllegalArgumentException("Adam needs 0 <= beta1, beta2 < 1 and eps > 0");
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.m = new double[n];
        this.v = new double[n];
    }

    /** Applies one step with learning rate {@code lr} to {@code x} given the batch gradient {@code g}. */
    public void step(double[] x, double[] g, double lr) {
        t++;
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        double a = lr * Math.sqrt(c2) / c1;
        double e = eps * Math.sqrt(c2);
        for (int i = 0; i < x.length; i++) {
            double gi = g[i];
            double mi = m[i] = beta1 * m[i] + (1 - beta1) * gi;
            double vi = v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
            x[i] -= a * mi / (Math.sqrt(vi) + e);
        }
    }

    /** Steps taken. */
    public long steps() {
        return t;
    }
}
