package org.spillway.ml;

/**
 * Exact reference solvers, on the heap, for small problems: Newton's method for L2-regularised
 * logistic regression, and coordinate descent (glmnet's algorithm) for the elastic-net least
 * squares. Both minimise the objective the learners document, on features divided by their
 * (weighted, sample) standard deviation, with an unpenalised intercept; coefficients are returned
 * on the original scale.
 */
public final class Reference {
    private Reference() {
    }

    /** Column standard deviations (sample, divisor n - 1). */
    static double[] std(double[][] x) {
        int n = x.length;
        int d = x[0].length;
        double[] s = new double[d];
        for (int j = 0; j < d; j++) {
            double m = 0;
            for (double[] r : x) {
                m += r[j] / n;
            }
            double v = 0;
            for (double[] r : x) {
                v += (r[j] - m) * (r[j] - m);
            }
            s[j] = Math.sqrt(v / (n - 1));
        }
        return s;
    }

    /** The objective of logistic regression at (beta, b) on the original scale. */
    static double logisticObjective(double[][] x, double[] y, double[] beta, double b, double l2, double[] std) {
        int n = x.length;
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double m = b;
            for (int j = 0; j < beta.length; j++) {
                m += beta[j] * x[i][j];
            }
            loss += Math.max(m, 0) + Math.log1p(Math.exp(-Math.abs(m))) - y[i] * m;
        }
        double reg = 0;
        for (int j = 0; j < beta.length; j++) {
            double t = beta[j] * std[j];
            reg += t * t;
        }
        return loss / n + l2 / 2 * reg;
    }

    /** Newton's method; returns {beta..., b}. */
    static double[] logistic(double[][] x, double[] y, double l2, boolean standardize) {
        int n = x.length;
        int d = x[0].length;
        double[] s = standardize ? std(x) : ones(d);
        double[] t = new double[d + 1]; // theta (scaled) and b
        for (int iter = 0; iter < 100; iter++) {
            double[] g = new double[d + 1];
            double[][] h = new double[d + 1][d + 1];
            for (int i = 0; i < n; i++) {
                double[] z = new double[d + 1];
                for (int j = 0; j < d; j++) {
                    z[j] = x[i][j] / s[j];
                }
                z[d] = 1;
                double m = 0;
                for (int j = 0; j <= d; j++) {
                    m += t[j] * z[j];
                }
                double p = 1 / (1 + Math.exp(-m));
                for (int j = 0; j <= d; j++) {
                    g[j] += (p - y[i]) * z[j] / n;
                    for (int k = 0; k <= d; k++) {
                        h[j][k] += p * (1 - p) * z[j] * z[k] / n;
                    }
                }
            }
            for (int j = 0; j < d; j++) {
                g[j] += l2 * t[j];
                h[j][j] += l2;
            }
            double[] step = solve(h, g);
            double norm = 0;
            for (int j = 0; j <= d; j++) {
                t[j] -= step[j];
                norm += step[j] * step[j];
            }
            if (Math.sqrt(norm) < 1e-14) {
                break;
            }
        }
        double[] out = new double[d + 1];
        for (int j = 0; j < d; j++) {
            out[j] = t[j] / s[j];
        }
        out[d] = t[d];
        return out;
    }

    /**
     * Newton's method for K-class softmax regression with L2 (on standardized features) and free
     * intercepts; returns per class {beta..., b}, with the intercepts centered to sum 0.
     */
    static double[][] softmax(double[][] x, int[] y, int k, double l2) {
        int n = x.length;
        int d = x[0].length;
        double[] s = std(x);
        int p = k * (d + 1);
        double[] t = new double[p];
        for (int iter = 0; iter < 100; iter++) {
            double[] g = new double[p];
            double[][] h = new double[p][p];
            for (int i = 0; i < n; i++) {
                double[] z = new double[d + 1];
                for (int j = 0; j < d; j++) {
                    z[j] = x[i][j] / s[j];
                }
                z[d] = 1;
                double[] m = new double[k];
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    for (int j = 0; j <= d; j++) {
                        m[c] += t[c * (d + 1) + j] * z[j];
                    }
                    max = Math.max(max, m[c]);
                }
                double zs = 0;
                for (int c = 0; c < k; c++) {
                    m[c] = Math.exp(m[c] - max);
                    zs += m[c];
                }
                for (int c = 0; c < k; c++) {
                    m[c] /= zs;
                }
                for (int c = 0; c < k; c++) {
                    double r = m[c] - (y[i] == c ? 1 : 0);
                    for (int j = 0; j <= d; j++) {
                        g[c * (d + 1) + j] += r * z[j] / n;
                    }
                    for (int c2 = 0; c2 < k; c2++) {
                        double w = m[c] * ((c == c2 ? 1 : 0) - m[c2]);
                        for (int j = 0; j <= d; j++) {
                            for (int j2 = 0; j2 <= d; j2++) {
                                h[c * (d + 1) + j][c2 * (d + 1) + j2] += w * z[j] * z[j2] / n;
                            }
                        }
                    }
                }
            }
            for (int c = 0; c < k; c++) {
                for (int j = 0; j < d; j++) {
                    g[c * (d + 1) + j] += l2 * t[c * (d + 1) + j];
                    h[c * (d + 1) + j][c * (d + 1) + j] += l2;
                }
                // the intercepts are free up to a common shift: pin the shift with a tiny ridge
                h[c * (d + 1) + d][c * (d + 1) + d] += 1e-12;
            }
            double[] step = solve(h, g);
            double norm = 0;
            for (int j = 0; j < p; j++) {
                t[j] -= step[j];
                norm += step[j] * step[j];
            }
            if (Math.sqrt(norm) < 1e-13) {
                break;
            }
        }
        double[][] out = new double[k][d + 1];
        double mb = 0;
        for (int c = 0; c < k; c++) {
            mb += t[c * (d + 1) + d] / k;
        }
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < d; j++) {
                out[c][j] = t[c * (d + 1) + j] / s[j];
            }
            out[c][d] = t[c * (d + 1) + d] - mb;
        }
        return out;
    }

    /** Coordinate descent for (1/2n)|y - b - Z theta|^2 + lambda (alpha |theta|_1 + (1 - alpha)/2 |theta|^2); returns {beta..., b}. */
    static double[] elasticNet(double[][] x, double[] y, double lambda, double alpha) {
        int n = x.length;
        int d = x[0].length;
        double[] s = std(x);
        double[][] z = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                z[i][j] = x[i][j] / s[j];
            }
        }
        double[] t = new double[d];
        double b = 0;
        double[] r = y.clone(); // residual y - b - z t
        for (int sweep = 0; sweep < 100_000; sweep++) {
            double maxChange = 0;
            double mr = 0;
            for (double v : r) {
                mr += v / n;
            }
            b += mr;
            for (int i = 0; i < n; i++) {
                r[i] -= mr;
            }
            maxChange = Math.max(maxChange, Math.abs(mr));
            for (int j = 0; j < d; j++) {
                double zz = 0;
                double zr = 0;
                for (int i = 0; i < n; i++) {
                    zz += z[i][j] * z[i][j] / n;
                    zr += z[i][j] * (r[i] + z[i][j] * t[j]) / n;
                }
                double nt = Math.signum(zr) * Math.max(0, Math.abs(zr) - lambda * alpha) / (zz + lambda * (1 - alpha));
                double delta = nt - t[j];
                if (delta != 0) {
                    for (int i = 0; i < n; i++) {
                        r[i] -= delta * z[i][j];
                    }
                    t[j] = nt;
                }
                maxChange = Math.max(maxChange, Math.abs(delta));
            }
            if (maxChange < 1e-15) {
                break;
            }
        }
        double[] out = new double[d + 1];
        for (int j = 0; j < d; j++) {
            out[j] = t[j] / s[j];
        }
        out[d] = b;
        return out;
    }

    /** The elastic-net least-squares objective at (beta, b). */
    static double leastSquaresObjective(double[][] x, double[] y, double[] beta, double b, double lambda, double alpha) {
        double[] s = std(x);
        double loss = 0;
        for (int i = 0; i < x.length; i++) {
            double m = b;
            for (int j = 0; j < beta.length; j++) {
                m += beta[j] * x[i][j];
            }
            loss += (y[i] - m) * (y[i] - m);
        }
        double l1 = 0;
        double l2 = 0;
        for (int j = 0; j < beta.length; j++) {
            double t = beta[j] * s[j];
            l1 += Math.abs(t);
            l2 += t * t;
        }
        return loss / (2 * x.length) + lambda * (alpha * l1 + (1 - alpha) / 2 * l2);
    }

    private static double[] ones(int d) {
        double[] o = new double[d];
        java.util.Arrays.fill(o, 1);
        return o;
    }

    /** Solves a x = b by Gaussian elimination with partial pivoting (a and b are copied); also the ALS tests' reference. */
    public static double[] solve(double[][] a0, double[] b0) {
        int n = b0.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = a0[i].clone();
        }
        double[] b = b0.clone();
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[p][c])) {
                    p = r;
                }
            }
            double[] tr = a[c];
            a[c] = a[p];
            a[p] = tr;
            double tb = b[c];
            b[c] = b[p];
            b[p] = tb;
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                for (int k = c; k < n; k++) {
                    a[r][k] -= f * a[c][k];
                }
                b[r] -= f * b[c];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double v = b[r];
            for (int k = r + 1; k < n; k++) {
                v -= a[r][k] * x[k];
            }
            x[r] = v / a[r][r];
        }
        return x;
    }
}
