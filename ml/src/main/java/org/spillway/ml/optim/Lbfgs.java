package org.spillway.ml.optim;

import java.util.Arrays;

/**
 * Limited-memory BFGS for smooth objectives and, when L1 weights are given, OWL-QN (Andrew and Gao,
 * 2007) for objectives {@code f(x) + sum_i l1[i] * |x_i|} with smooth {@code f}.
 *
 * <p>Each iteration takes the two-loop L-BFGS direction from the last {@link #memory} steps and a
 * line search along it: a strong-Wolfe search (Nocedal and Wright, algorithms 3.5 and 3.6, cubic
 * interpolation) for plain L-BFGS, a backtracking search over orthant-projected points for OWL-QN.
 * A step of 1 is tried first (the first iteration tries {@code 1/|g|}), so a well-scaled problem
 * takes one evaluation per iteration.
 *
 * <p>Stopping: when the (pseudo-)gradient norm is at most {@code tol * max(1, |x|)}; when the
 * objective's relative decrease over an iteration is below {@code tol * 1e-6} (no progress left, as on
 * a kink of a non-smooth loss); when the line search finds no decrease; or after {@code maxIter}
 * iterations. Memory: {@code 2 * memory + 6} vectors of the problem's size.
 */
public final class Lbfgs {
    private int memory = 10;
    private int maxIter = 100;
    private double tol = 1e-6;
    private double[] l1;
    private IterationListener listener = IterationListener.NONE;

    /** An L-BFGS minimizer with memory 10, at most 100 iterations and tolerance 1e-6. */
    public Lbfgs() {
    }

    /** The number of past steps that shape the direction (default 10). */
    public Lbfgs memory(int m) {
        if (m < 1) {
            throw new IllegalArgumentException("L-BFGS memory must be >= 1, got " + m);
        }
        this.memory = m;
        return this;
    }

    /** The iteration limit (default 100). */
    public Lbfgs maxIter(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("maxIter must be >= 0, got " + n);
        }
        this.maxIter = n;
        return this;
    }

    /** The convergence tolerance (default 1e-6); see the class comment. */
    public Lbfgs tol(double t) {
        if (!(t >= 0)) {
            throw new IllegalArgumentException("tol must be >= 0, got " + t);
        }
        this.tol = t;
        return this;
    }

    /**
     * Per-coordinate L1 weights (all zero or {@code null} for plain L-BFGS); a coordinate with weight 0
     * (an intercept) is not penalised. Non-zero weights switch to OWL-QN.
     */
    public Lbfgs l1(double[] weights) {
        this.l1 = weights == null ? null : weights.clone();
        if (l1 != null) {
            boolean any = false;
            for (double w : l1) {
                if (!(w >= 0) || Double.isInfinite(w)) {
                    throw new IllegalArgumentException("L1 weights must be finite and >= 0: " + Arrays.toString(weights));
                }
                any |= w > 0;
            }
            if (!any) {
                l1 = null;
            }
        }
        return this;
    }

    /** Receives every iteration. */
    public Lbfgs listener(IterationListener l) {
        this.listener = l == null ? IterationListener.NONE : l;
        return this;
    }

    /** Minimizes {@code f} from {@code x0} (not modified). */
    public OptimResult minimize(DiffFunction f, double[] x0) {
        final long t0 = System.nanoTime();
        final int n = x0.length;
        if (l1 != null && l1.length != n) {
            throw new IllegalArgumentException("L1 weights have length " + l1.length + " but the problem has " + n + " coordinates");
        }
        final boolean owl = l1 != null;
        double[] x = x0.clone();
        double[] g = new double[n];
        double[] pg = new double[n];
        double[] d = new double[n];
        double[] xNew = new double[n];
        double[] gNew = new double[n];
        double[][] s = new double[memory][];
        double[][] y = new double[memory][];
        double[] rho = new double[memory];
        double[] alpha = new double[memory];
        int stored = 0;
        int head = 0; // next slot to write

        double fx = f.compute(x, g) + l1Term(x);
        int evals = 1;
        checkFinite(fx, "the starting point");
        double[] history = new double[Math.min(Math.max(1, maxIter + 1), 1024)]; // grows as needed
        int h = 0;
        history[h++] = fx;
        int iter = 0;
        boolean converged = false;
        String reason = "reached maxIter (" + maxIter + ")";
        pseudoGradient(x, g, pg);
        double pgNorm = norm(pg);
        if (pgNorm <= tol * Math.max(1, norm(x))) {
            return new OptimResult(x, fx, Arrays.copyOf(history, h), 0, evals, true, "the gradient is zero at the start");
        }
        while (iter < maxIter) {
            // direction: -H * pg by the two-loop recursion
            for (int i = 0; i < n; i++) {
                d[i] = -pg[i];
            }
            for (int k = 0; k < stored; k++) {
                int j = Math.floorMod(head - 1 - k, memory);
                alpha[j] = rho[j] * dot(s[j], d);
                axpy(-alpha[j], y[j], d);
            }
            if (stored > 0) {
                int j = Math.floorMod(head - 1, memory);
                double gamma = dot(s[j], y[j]) / dot(y[j], y[j]);
                scale(gamma, d);
            }
            for (int k = stored - 1; k >= 0; k--) {
                int j = Math.floorMod(head - 1 - k, memory);
                double beta = rho[j] * dot(y[j], d);
                axpy(alpha[j] - beta, s[j], d);
            }
            if (owl) { // keep the direction in the orthant of -pg
                for (int i = 0; i < n; i++) {
                    if (d[i] * pg[i] >= 0) {
                        d[i] = 0;
                    }
                }
            }
            double dg = dot(pg, d);
            if (!(dg < 0)) { // not a descent direction: forget the curvature pairs, go downhill
                stored = 0;
                for (int i = 0; i < n; i++) {
                    d[i] = -pg[i];
                }
                dg = -pgNorm * pgNorm;
            }
            double step = stored == 0 ? Math.min(1.0, 1.0 / pgNorm) : 1.0;
            LineResult ls = owl ? backtrack(f, x, fx, pg, d, step, xNew, gNew) : wolfe(f, x, fx, g, d, dg, step, xNew, gNew);
            evals += ls.evals;
            if (!ls.ok) {
                converged = true;
                reason = "the line search found no lower objective (at the floating-point minimum)";
                break;
            }
            iter++;
            double fNew = ls.f;
            // curvature pair from the smooth part
            double[] sk = s[head] == null ? (s[head] = new double[n]) : s[head];
            double[] yk = y[head] == null ? (y[head] = new double[n]) : y[head];
            for (int i = 0; i < n; i++) {
                sk[i] = xNew[i] - x[i];
                yk[i] = gNew[i] - g[i];
            }
            double sy = dot(sk, yk);
            if (sy > 1e-10 * Math.sqrt(dot(sk, sk) * dot(yk, yk)) && sy > 0) {
                rho[head] = 1.0 / sy;
                head = (head + 1) % memory;
                stored = Math.min(stored + 1, memory);
            }
            double fOld = fx;
            System.arraycopy(xNew, 0, x, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            fx = fNew;
            if (h == history.length) {
                history = Arrays.copyOf(history, history.length * 2);
            }
            history[h++] = fx;
            pseudoGradient(x, g, pg);
            pgNorm = norm(pg);
            try {
                listener.onIteration(new Iteration(iter, fx, pgNorm, evals, System.nanoTime() - t0, x));
            } catch (StopTraining stop) {
                reason = "stopped by a listener: " + stop.getMessage();
                break;
            }
            if (pgNorm <= tol * Math.max(1, norm(x))) {
                converged = true;
                reason = "the gradient norm fell below tol";
                break;
            }
            if ((fOld - fx) <= tol * 1e-6 * Math.max(Math.max(Math.abs(fOld), Math.abs(fx)), 1)) {
                converged = true;
                reason = "the objective stopped decreasing";
                break;
            }
        }
        return new OptimResult(x, fx, Arrays.copyOf(history, h), iter, evals, converged, reason);
    }

    private record LineResult(boolean ok, double f, int evals) {
    }

    private double l1Term(double[] x) {
        if (l1 == null) {
            return 0;
        }
        double t = 0;
        for (int i = 0; i < x.length; i++) {
            t += l1[i] * Math.abs(x[i]);
        }
        return t;
    }

    /** The OWL-QN pseudo-gradient (the plain gradient without L1). */
    private void pseudoGradient(double[] x, double[] g, double[] pg) {
        if (l1 == null) {
            System.arraycopy(g, 0, pg, 0, g.length);
            return;
        }
        for (int i = 0; i < x.length; i++) {
            double c = l1[i];
            if (x[i] > 0) {
                pg[i] = g[i] + c;
            } else if (x[i] < 0) {
                pg[i] = g[i] - c;
            } else if (g[i] + c < 0) {
                pg[i] = g[i] + c;
            } else if (g[i] - c > 0) {
                pg[i] = g[i] - c;
            } else {
                pg[i] = 0;
            }
        }
    }

    /** OWL-QN: backtracking over points projected onto the orthant of x (or of -pg where x is 0). */
    private LineResult backtrack(DiffFunction f, double[] x, double fx, double[] pg, double[] d, double step,
                                 double[] xNew, double[] gNew) {
        int n = x.length;
        int evals = 0;
        double a = step;
        for (int tries = 0; tries < 60; tries++) {
            for (int i = 0; i < n; i++) {
                double orthant = x[i] != 0 ? Math.signum(x[i]) : -Math.signum(pg[i]);
                double v = x[i] + a * d[i];
                xNew[i] = Math.signum(v) == orthant ? v : 0;
            }
            double fNew = f.compute(xNew, gNew) + l1Term(xNew);
            evals++;
            double decrease = 0;
            for (int i = 0; i < n; i++) {
                decrease += pg[i] * (xNew[i] - x[i]);
            }
            if (Double.isFinite(fNew) && fNew <= fx + 1e-4 * decrease) {
                return new LineResult(fNew < fx, fNew, evals);
            }
            a *= 0.5;
        }
        return new LineResult(false, fx, evals);
    }

    /** A line search for the strong Wolfe conditions (c1 = 1e-4, c2 = 0.9). */
    private LineResult wolfe(DiffFunction f, double[] x, double fx, double[] g, double[] d, double dg0, double step,
                             double[] xNew, double[] gNew) {
        final double c1 = 1e-4;
        final double c2 = 0.9;
        int evals = 0;
        double aPrev = 0;
        double fPrev = fx;
        double dgPrev = dg0;
        double a = step;
        double bestA = 0;
        double bestF = fx;
        for (int i = 0; i < 25; i++) {
            double fa = evalAt(f, x, d, a, xNew, gNew);
            evals++;
            double dga = Double.isFinite(fa) ? dot(gNew, d) : Double.NaN;
            if (Double.isFinite(fa) && fa < bestF) {
                bestF = fa;
                bestA = a;
            }
            if (!Double.isFinite(fa) || fa > fx + c1 * a * dg0 || (i > 0 && fa >= fPrev)) {
                return zoom(f, x, fx, d, dg0, aPrev, fPrev, dgPrev, a, fa, dga, xNew, gNew, evals, bestA, bestF);
            }
            if (Math.abs(dga) <= -c2 * dg0) {
                return new LineResult(true, fa, evals);
            }
            if (dga >= 0) {
                return zoom(f, x, fx, d, dg0, a, fa, dga, aPrev, fPrev, dgPrev, xNew, gNew, evals, bestA, bestF);
            }
            aPrev = a;
            fPrev = fa;
            dgPrev = dga;
            a *= 2.5;
        }
        return settle(f, x, d, bestA, bestF, fx, xNew, gNew, evals);
    }

    private LineResult zoom(DiffFunction f, double[] x, double fx, double[] d, double dg0,
                            double lo, double fLo, double dgLo, double hi, double fHi, double dgHi,
                            double[] xNew, double[] gNew, int evals, double bestA, double bestF) {
        final double c1 = 1e-4;
        final double c2 = 0.9;
        for (int i = 0; i < 30; i++) {
            double a = interpolate(lo, fLo, dgLo, hi, fHi, dgHi);
            double fa = evalAt(f, x, d, a, xNew, gNew);
            evals++;
            if (Double.isFinite(fa) && fa < bestF) {
                bestF = fa;
                bestA = a;
            }
            if (!Double.isFinite(fa) || fa > fx + c1 * a * dg0 || fa >= fLo) {
                hi = a;
                fHi = fa;
                dgHi = Double.isFinite(fa) ? dot(gNew, d) : Double.NaN;
            } else {
                double dga = dot(gNew, d);
                if (Math.abs(dga) <= -c2 * dg0) {
                    return new LineResult(true, fa, evals);
                }
                if (dga * (hi - lo) >= 0) {
                    hi = lo;
                    fHi = fLo;
                    dgHi = dgLo;
                }
                lo = a;
                fLo = fa;
                dgLo = dga;
            }
            if (Math.abs(hi - lo) <= 1e-14 * Math.max(1, Math.abs(lo))) {
                break;
            }
        }
        return settle(f, x, d, bestA, bestF, fx, xNew, gNew, evals);
    }

    /** The search did not meet Wolfe: take the best decrease seen (as on a non-smooth loss), if any. */
    private static LineResult settle(DiffFunction f, double[] x, double[] d, double bestA, double bestF, double fx,
                                     double[] xNew, double[] gNew, int evals) {
        if (bestA == 0 || !(bestF < fx)) {
            return new LineResult(false, fx, evals);
        }
        double fa = evalAt(f, x, d, bestA, xNew, gNew);
        return new LineResult(fa < fx, fa, evals + 1);
    }

    /** The minimiser of the cubic through both ends (with their slopes), kept inside the interval. */
    private static double interpolate(double a, double fa, double ga, double b, double fb, double gb) {
        double lo = Math.min(a, b);
        double hi = Math.max(a, b);
        double t = Double.NaN;
        if (Double.isFinite(fa) && Double.isFinite(fb) && Double.isFinite(ga) && Double.isFinite(gb)) {
            double d1 = ga + gb - 3 * (fa - fb) / (a - b);
            double disc = d1 * d1 - ga * gb;
            if (disc >= 0) {
                double d2 = Math.signum(b - a) * Math.sqrt(disc);
                t = b - (b - a) * (gb + d2 - d1) / (gb - ga + 2 * d2);
            }
        }
        double margin = 0.1 * (hi - lo);
        if (!Double.isFinite(t) || t < lo + margin || t > hi - margin) {
            t = (lo + hi) / 2; // bisect when the cubic is unusable or too close to an end
        }
        return t;
    }

    private static double evalAt(DiffFunction f, double[] x, double[] d, double a, double[] xNew, double[] gNew) {
        for (int i = 0; i < x.length; i++) {
            xNew[i] = x[i] + a * d[i];
        }
        return f.compute(xNew, gNew);
    }

    private static void checkFinite(double v, String where) {
        if (!Double.isFinite(v)) {
            throw new ArithmeticException("The objective is " + v + " at " + where
                    + "; check the data for NaN or infinite values, or scale the features");
        }
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static void scale(double a, double[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= a;
        }
    }
}
