package org.spillway.ml.linear;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.spillway.ml.MlException;
import org.spillway.ml.FeatureLayout;
import org.spillway.ml.Model;
import org.spillway.ml.TrialReporter;
import org.spillway.ml.optim.Adam;
import org.spillway.ml.optim.Iteration;
import org.spillway.ml.optim.IterationListener;
import org.spillway.ml.optim.Lbfgs;
import org.spillway.ml.optim.OptimResult;
import org.spillway.ml.optim.StopTraining;

/**
 * Fits the coefficients of a generalized linear model: builds the {@link GlmObjective} in the
 * standardized space, runs L-BFGS (OWL-QN with an L1 term) or mini-batch SGD with Adam, and maps
 * the solution back to the features' own scale.
 */
public final class LinearFitter {
    private LinearFitter() {
    }

    /**
     * A fitted linear model.
     *
     * @param coefficients per margin, one per feature position, on the features' own scale
     * @param intercepts   per margin
     * @param history      the objective at the start and after each iteration (epoch for SGD)
     * @param iterations   iterations or epochs run
     * @param passes       data passes made
     * @param converged    whether a convergence test (or early stopping) ended it
     * @param reason       why it stopped
     * @param solver       the solver used: "lbfgs", "owlqn" or "sgd"
     * @param nanos        the optimizer's run time
     */
    public record Fit(double[][] coefficients, double[] intercepts, double[] history, int iterations, int passes,
                      boolean converged, String reason, String solver, long nanos) {
        Fit withEnd(boolean conv, String why) {
            return new Fit(coefficients, intercepts, history, iterations, passes, conv, why, solver, nanos);
        }
    }

    /**
     * Fits the model.
     *
     * @param ts         the training data (and its statistics)
     * @param loss       the per-row loss, or null for softmax over {@code k} classes
     * @param k          margins: 1, or the number of classes for softmax
     * @param p          the parameters
     * @param start      initial intercepts per margin (e.g. the log-odds of the label), used if fitting one
     * @param listener   receives each iteration
     * @param validation held-out rows for SGD early stopping, or null
     */
    public static Fit fit(TrainingSet ts, Loss loss, int k, LinearParams p, double[] start, IterationListener listener,
                          TrainingSet validation) {
        return fit(ts, loss, k, p, start, listener, validation, null);
    }

    /**
     * Fits the model, reporting to the {@link TrialReporter} bound on this thread (by a hyperparameter
     * search), if any: after every iteration (epoch for SGD) the model at that iterate, built by
     * {@code snapshot} from a {@link Fit} of the iterate, is offered to the reporter; when it answers
     * stop, training ends there (by {@link StopTraining}) and that iterate is the solution.
     *
     * @param snapshot builds the learner's model from a fit, or null for no reporting
     */
    public static Fit fit(TrainingSet ts, Loss loss, int k, LinearParams p, double[] start, IterationListener listener,
                          TrainingSet validation, Function<Fit, ? extends Model> snapshot) {
        FeatureLayout layout = ts.layout();
        int d = layout.dimension();
        double[] invStd = new double[d];
        Arrays.fill(invStd, 1);
        if (p.standardization()) {
            double[] std = ts.std();
            boolean[] st = ts.standardizable();
            for (FeatureLayout.Block b : layout.blocks()) {
                if (b.kind() == FeatureLayout.Kind.NUMERIC && std[b.offset()] == 0) {
                    throw new MlException("Feature column '" + b.column() + "' is constant (standard deviation 0), so it "
                            + "cannot be standardized: leave it out with featuresCols(...), or set standardization(false)");
                }
            }
            for (int j = 0; j < d; j++) {
                if (st[j]) {
                    invStd[j] = std[j] > 0 ? 1 / std[j] : 0; // a one-hot slot that never varies is pinned at 0
                }
            }
        }
        double l2 = p.regParam() * (1 - p.elasticNetParam());
        double l1 = p.regParam() * p.elasticNetParam();
        GlmObjective obj = new GlmObjective(ts, loss, k, p.fitIntercept(), invStd, l2);
        int stride = d + (p.fitIntercept() ? 1 : 0);
        double[] theta0 = new double[obj.size()];
        if (p.fitIntercept() && start != null) {
            for (int c = 0; c < k; c++) {
                theta0[c * stride + d] = start[c];
            }
        }
        long t0 = System.nanoTime();
        boolean sgd = p.solver().equals("sgd");
        TrialReporter reporter = snapshot == null ? null : TrialReporter.current();
        IterationListener lis = listener;
        if (reporter != null) {
            IterationListener user = listener;
            String solverName = sgd ? "sgd" : l1 > 0 ? "owlqn" : "lbfgs";
            lis = it -> {
                user.onIteration(it);
                if (it.x() == null) {
                    return;
                }
                double[] x = it.x().clone();
                boolean go = reporter.report(it.iteration(), () -> snapshot.apply(toFit(x, invStd, k, d, stride, p, loss,
                        new double[] {it.objective()}, it.iteration(), it.evaluations(), solverName, System.nanoTime() - t0)));
                if (!go) {
                    throw new StopTraining("the search's scheduler stopped this trial after iteration " + it.iteration());
                }
            };
        }
        int passes;
        double[] theta;
        double[] history;
        int iterations;
        boolean converged;
        String reason;
        String solver;
        if (sgd) {
            SgdResult r = sgd(ts, obj, theta0, p, l1, stride, d, lis, validation, t0);
            theta = r.theta;
            history = r.history;
            iterations = r.epochs;
            passes = r.passes;
            converged = r.converged;
            reason = r.reason;
            solver = "sgd";
        } else {
            Lbfgs opt = new Lbfgs().maxIter(p.maxIter()).tol(p.tol()).listener(lis);
            if (l1 > 0) {
                double[] w = new double[obj.size()];
                for (int c = 0; c < k; c++) {
                    for (int j = 0; j < d; j++) {
                        w[c * stride + j] = l1;
                    }
                }
                opt.l1(w);
            }
            OptimResult r = opt.minimize(obj, theta0);
            theta = r.x();
            history = r.history();
            iterations = r.iterations();
            passes = obj.passes();
            converged = r.converged();
            reason = r.reason();
            solver = l1 > 0 ? "owlqn" : "lbfgs";
        }
        return toFit(theta, invStd, k, d, stride, p, loss, history, iterations, passes, solver, System.nanoTime() - t0)
                .withEnd(converged, reason);
    }

    /** The fit of iterate {@code theta} (in the standardized space), mapped back to the features' own scale. */
    private static Fit toFit(double[] theta, double[] invStd, int k, int d, int stride, LinearParams p, Loss loss, double[] history,
                             int iterations, int passes, String solver, long nanos) {
        double[][] beta = new double[k][d];
        double[] b = new double[k];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < d; j++) {
                beta[c][j] = theta[c * stride + j] * invStd[j];
            }
            b[c] = p.fitIntercept() ? theta[c * stride + d] : 0;
        }
        if (loss == null) {
            center(beta, b, p.regParam() == 0);
        }
        return new Fit(beta, b, history, iterations, passes, false, "stopped after iteration " + iterations, solver, nanos);
    }

    /** Softmax margins are unchanged by adding a constant per feature: report the centered solution, as Spark does. */
    private static void center(double[][] beta, double[] b, boolean coefficientsToo) {
        int k = b.length;
        double mb = 0;
        for (double v : b) {
            mb += v / k;
        }
        for (int c = 0; c < k; c++) {
            b[c] -= mb;
        }
        if (coefficientsToo) {
            for (int j = 0; j < beta[0].length; j++) {
                double m = 0;
                for (int c = 0; c < k; c++) {
                    m += beta[c][j] / k;
                }
                for (int c = 0; c < k; c++) {
                    beta[c][j] -= m;
                }
            }
        }
    }

    /** The most rows a chunk of the training set holds. */
    private static int maxRows(TrainingSet ts) {
        return ts.data().session().chunkRows();
    }

    private record SgdResult(double[] theta, double[] history, int epochs, int passes, boolean converged, String reason) {
    }

    /**
     * Mini-batch SGD with Adam: each epoch visits the chunks in a new seeded order and each chunk's rows
     * in a seeded order, taking a step per {@code batchSize} rows. Chunks are read into heap blocks in
     * parallel ahead of the updates, which run one after the other in that order, so the result does
     * not depend on the number of workers. L1 is applied by soft-thresholding after each step. The
     * reported objective of an epoch is the average loss seen during it (plus the penalty).
     */
    private static SgdResult sgd(TrainingSet ts, GlmObjective obj, double[] theta0, LinearParams p, double l1, int stride, int d,
                                 IterationListener listener, TrainingSet validation, long t0) {
        final double[] theta = theta0.clone();
        Adam adam = new Adam(theta.length);
        int chunks = ts.chunkCount();
        int len = obj.size() / stride * (d + 1) + 1;
        int k = obj.size() / stride;
        List<Double> history = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        double[] bestTheta = theta.clone();
        int sinceBest = 0;
        boolean converged = false;
        String reason = "reached maxIter (" + p.maxIter() + " epochs)";
        int epoch = 0;
        double prevEpochLoss = Double.NaN;
        int passes = 0;
        for (; epoch < p.maxIter(); epoch++) {
            passes++;
            int[] order = permutation(chunks, new SplittableRandom(p.seed() * 31 + epoch));
            double lr = switch (p.learningRateSchedule()) {
                case "invsqrt" -> p.stepSize() / Math.sqrt(1 + epoch);
                case "linear" -> p.stepSize() * (1 - (double) epoch / Math.max(1, p.maxIter()));
                default -> p.stepSize();
            };
            double[] epochLoss = {0, 0};
            int[] seq = {0};
            final int e = epoch;
            GlmObjective.Scratch s = new GlmObjective.Scratch(null, k);
            double[] g = new double[len];
            double[] step = new double[theta.length];
            double[][] eff = new double[k][d];
            double[] icpt = new double[k];
            // the updates visit a chunk's rows in a shuffled order, so each chunk in flight is read whole
            // onto the heap; at most one per worker waits while one is being used: reserved up front
            long blockBytes = (long) maxRows(ts) * (8L * (ts.layout().valueBlocks().size() + 2) + 4L * ts.layout().codeBlocks().size());
            try (org.spillway.spill.memory.Reservation held = ts.budget().reserve("SGD blocks",
                    blockBytes * (ts.data().session().parallelism() + 1))) {
                ts.pass(order, chunk -> ts.newBlock().read(chunk), block -> {
                    SplittableRandom rnd = new SplittableRandom((p.seed() * 31 + e) * 1_000_003L + seq[0]++);
                    int[] rows = permutation(block.n, rnd);
                    for (int from = 0; from < block.n; from += p.batchSize()) {
                        int to = Math.min(block.n, from + p.batchSize());
                        Arrays.fill(g, 0);
                        obj.effectiveInto(theta, eff);
                        obj.interceptsInto(theta, icpt);
                        double w = 0;
                        if (block.weights == null) {
                            w = to - from;
                        } else {
                            for (int i = from; i < to; i++) {
                                w += block.weights[rows[i]];
                            }
                        }
                        if (w == 0) {
                            continue;
                        }
                        double lossSum = obj.accumulate(block, rows, from, to, eff, icpt, s, g);
                        g[len - 1] = lossSum;
                        epochLoss[0] += lossSum;
                        epochLoss[1] += w;
                        obj.finish(theta, g, w, step);
                        adam.step(theta, step, lr);
                        if (l1 > 0) {
                            double t = lr * l1;
                            for (int c = 0; c < k; c++) {
                                for (int j = 0; j < d; j++) {
                                    int idx = c * stride + j;
                                    double v = theta[idx];
                                    theta[idx] = Math.signum(v) * Math.max(0, Math.abs(v) - t);
                                }
                            }
                        }
                    }
                });
            }
            double reg = 0;
            for (int c = 0; c < k; c++) {
                for (int j = 0; j < d; j++) {
                    double v = theta[c * stride + j];
                    reg += (p.regParam() * (1 - p.elasticNetParam())) / 2 * v * v + l1 * Math.abs(v);
                }
            }
            double objective = epochLoss[0] / Math.max(epochLoss[1], Double.MIN_NORMAL) + reg;
            history.add(objective);
            if (!Double.isFinite(objective)) {
                throw new MlException("SGD diverged in epoch " + (epoch + 1) + " (objective " + objective
                        + "); lower stepSize(...) (now " + p.stepSize() + ")");
            }
            double score = objective;
            if (validation != null) {
                double[] tmp = new double[theta.length];
                GlmObjective vo = obj.on(validation);
                score = vo.compute(theta, tmp);
                passes++;
            }
            try {
                listener.onIteration(new Iteration(epoch + 1, score, Double.NaN, epoch + 1, System.nanoTime() - t0, theta));
            } catch (StopTraining stop) {
                epoch++;
                reason = "stopped by a listener: " + stop.getMessage();
                break;
            }
            if (validation != null) {
                if (best == Double.POSITIVE_INFINITY || score < best - p.tol() * Math.max(1, Math.abs(best))) {
                    best = score;
                    bestTheta = theta.clone();
                    sinceBest = 0;
                } else if (++sinceBest >= p.patience()) {
                    epoch++;
                    converged = true;
                    reason = "early stopping: the validation objective did not improve for " + p.patience() + " epochs";
                    System.arraycopy(bestTheta, 0, theta, 0, theta.length);
                    break;
                }
            } else if (!Double.isNaN(prevEpochLoss)
                    && Math.abs(prevEpochLoss - objective) <= p.tol() * Math.max(1, Math.abs(objective))) {
                epoch++;
                converged = true;
                reason = "the epoch objective changed by less than tol";
                break;
            }
            prevEpochLoss = objective;
        }
        if (validation != null && !converged && best < Double.POSITIVE_INFINITY) {
            System.arraycopy(bestTheta, 0, theta, 0, theta.length);
        }
        double[] h = history.stream().mapToDouble(Double::doubleValue).toArray();
        return new SgdResult(theta, h, epoch, passes, converged, reason);
    }

    private static int[] permutation(int n, SplittableRandom rnd) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
