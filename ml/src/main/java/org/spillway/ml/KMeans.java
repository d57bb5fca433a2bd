package org.spillway.ml;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.spillway.frame.DataFrame;
import org.spillway.ml.clustering.KMeansInit;
import org.spillway.ml.clustering.Lloyd;
import org.spillway.ml.clustering.Points;
import org.spillway.ml.clustering.ProgressLines;
import org.spillway.ml.optim.IterationListener;

/**
 * k-means clustering, as Spark MLlib's {@code KMeans}, out of core: Lloyd's algorithm with one
 * parallel pass over the stored chunks per iteration, started from k-means|| (the default) or from
 * random rows.
 *
 * <pre>{@code
 * var model = new KMeans().k(5).seed(1).featuresCols("x0", "x1").fit(frame);
 * model.clusterCenters();  model.summary().trainingCost();  model.summary().clusterSizes();
 * model.transform(frame)   // adds "prediction", the index of the nearest centre (int32)
 * }</pre>
 *
 * <p>Parameters, with Spark's names and defaults: {@code k} (2; at least 2 and at most the row count),
 * {@code maxIter} (20), {@code tol} (1e-4: training stops when no centre moved farther than this),
 * {@code initMode} ({@code "k-means||"} or {@code "random"}), {@code initSteps} (2, the rounds of
 * k-means||), {@code seed}, {@code featuresCols} (default every column of the frame; each must be a
 * plain numeric column: int, float or bool), {@code predictionCol} ({@code "prediction"}) and
 * {@code distanceMeasure}, of which only {@code "euclidean"} is supported. {@link #initialCenters}
 * starts from given centres instead.
 *
 * <p>As in Spark: a cluster that loses all its rows keeps its centre; ties go to the lowest centre
 * index; when k-means|| finds at most {@code k} distinct candidates (data with fewer than {@code k}
 * distinct rows) the model has that many centres. Unlike Spark, {@code summary().trainingCost()} is
 * the cost of the final centres (one more pass), and the result is the same at any parallelism.
 *
 * <p>Cost: one pass to collect and check the features (null, NaN or infinite values are errors
 * naming the column and row: filter or impute them first); initialisation 1 pass (random) or
 * {@code 2 + 2 * initSteps} passes (k-means||, comparing rows with up to about {@code 4k} candidates);
 * one pass per iteration, {@code rows x k x features} multiply-adds; one last pass for the cost.
 * Memory: per chunk in flight a 128-row tile and {@code k x features} sums; the data stays in the
 * chunk store, which spills past the session's memory limit.
 *
 * <p>Tuning: inside a {@link Tuner} search it reports after every Lloyd iteration to the bound
 * {@link TrialReporter} with the model of that iteration's centres (whose summary has a NaN
 * {@code trainingCost}, not measured yet, and the sizes of that iteration's assignment); when the
 * scheduler stops the trial, training ends there and the model holds those centres (with their cost
 * measured by the last pass, as always).
 */
public final class KMeans implements Estimator<KMeansModel> {
    private static final String NAME = "KMeans";
    private static final List<String> INIT_MODES = List.of("k-means||", "random");

    private int k = 2;
    private int maxIter = 20;
    private double tol = 1e-4;
    private long seed = 42;
    private String initMode = "k-means||";
    private int initSteps = 2;
    private List<String> featuresCols;
    private String predictionCol = "prediction";
    private double[][] initialCenters;
    private IterationListener listener = IterationListener.NONE;
    private Boolean verbose;

    /** A learner with Spark's defaults (k = 2, maxIter 20, tol 1e-4, k-means|| with 2 steps) and seed 42. */
    public KMeans() {
    }

    private static MlException invalid(String name, Object value, String rule) {
        return new MlException("Parameter " + name + " = " + value + " is invalid: " + rule);
    }

    /** The number of clusters, at least 2; default 2. */
    public KMeans k(int k) {
        if (k < 2) {
            throw invalid("k", k, "it must be >= 2");
        }
        this.k = k;
        return this;
    }

    /** The most Lloyd iterations, {@code >= 0}; default 20. */
    public KMeans maxIter(int n) {
        if (n < 0) {
            throw invalid("maxIter", n, "it must be >= 0");
        }
        this.maxIter = n;
        return this;
    }

    /** Training stops when no centre moves farther than this (euclidean distance), {@code >= 0}; default 1e-4. */
    public KMeans tol(double t) {
        if (!(t >= 0) || Double.isInfinite(t)) {
            throw invalid("tol", t, "it must be a finite number >= 0");
        }
        this.tol = t;
        return this;
    }

    /** The seed of the initialisation; default 42. */
    public KMeans seed(long s) {
        this.seed = s;
        return this;
    }

    /** {@code "k-means||"} (default) or {@code "random"}. */
    public KMeans initMode(String mode) {
        if (!INIT_MODES.contains(mode)) {
            throw invalid("initMode", mode, "it must be one of " + INIT_MODES);
        }
        this.initMode = mode;
        return this;
    }

    /** The oversampling rounds of k-means||, at least 1; default 2. */
    public KMeans initSteps(int n) {
        if (n < 1) {
            throw invalid("initSteps", n, "it must be >= 1");
        }
        this.initSteps = n;
        return this;
    }

    /** The feature columns (plain numeric columns); default every column of the frame. */
    public KMeans featuresCols(String... cols) {
        if (cols.length == 0) {
            throw invalid("featuresCols", "()", "name at least one column");
        }
        this.featuresCols = List.of(cols);
        return this;
    }

    /** The name of the output column of cluster indices; default {@code "prediction"}. */
    public KMeans predictionCol(String c) {
        if (c == null || c.isEmpty()) {
            throw invalid("predictionCol", c, "it must be a column name");
        }
        this.predictionCol = c;
        return this;
    }

    /** Only {@code "euclidean"} (Spark's default) is supported; anything else is an error. */
    public KMeans distanceMeasure(String m) {
        if (!"euclidean".equals(m)) {
            throw invalid("distanceMeasure", m, "only \"euclidean\" is supported");
        }
        return this;
    }

    /**
     * Starts Lloyd's iterations from these centres (one row of values per centre, in the order of
     * the feature columns) instead of {@code initMode}; their number is the number of clusters. Null
     * goes back to {@code initMode}.
     */
    public KMeans initialCenters(double[][] centers) {
        if (centers == null) {
            this.initialCenters = null;
            return this;
        }
        if (centers.length < 2) {
            throw invalid("initialCenters", centers.length + " centres", "give at least 2");
        }
        double[][] copy = new double[centers.length][];
        for (int c = 0; c < centers.length; c++) {
            copy[c] = centers[c].clone();
            if (copy[c].length != centers[0].length) {
                throw invalid("initialCenters", "centre " + c + " of " + copy[c].length + " values", "every centre needs "
                        + centers[0].length + " values");
            }
            for (double v : copy[c]) {
                if (!Double.isFinite(v)) {
                    throw invalid("initialCenters", "centre " + c + " holding " + v, "values must be finite");
                }
            }
        }
        this.initialCenters = copy;
        this.k = copy.length;
        return this;
    }

    /** Receives every Lloyd iteration: the objective is its assignment's cost, the "gradient norm" the largest move of a centre. */
    public KMeans listener(IterationListener l) {
        this.listener = l == null ? IterationListener.NONE : l;
        return this;
    }

    /**
     * Whether to print a line per iteration to standard error: true always, false never; by default
     * once training has run two seconds, when the session shows progress.
     */
    public KMeans verbose(boolean v) {
        this.verbose = v;
        return this;
    }

    /** The number of clusters. */
    public int k() {
        return k;
    }

    /** The most iterations. */
    public int maxIter() {
        return maxIter;
    }

    /** The convergence distance. */
    public double tol() {
        return tol;
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    /** The initialisation mode. */
    public String initMode() {
        return initMode;
    }

    /** The k-means|| rounds. */
    public int initSteps() {
        return initSteps;
    }

    /** The feature columns, or null for every column. */
    public List<String> featuresCols() {
        return featuresCols;
    }

    /** The prediction column. */
    public String predictionCol() {
        return predictionCol;
    }

    @Override
    public KMeansModel fit(DataFrame frame) {
        long t0 = System.nanoTime();
        try (Points p = Points.prepare(frame, featuresCols, NAME)) {
            if (k > p.rows()) {
                throw new MlException(String.format(Locale.ROOT, "%s: k = %d is larger than the %,d rows of the training frame; "
                        + "ask for at most %,d clusters", NAME, k, p.rows(), p.rows()));
            }
            double[][] start;
            int[] passes = {1};
            if (initialCenters != null) {
                if (initialCenters.length != k) {
                    throw new MlException(NAME + ": k = " + k + " but " + initialCenters.length + " initial centres were given");
                }
                if (initialCenters[0].length != p.dims()) {
                    throw new MlException(NAME + ": the initial centres have " + initialCenters[0].length + " values each but there are "
                            + p.dims() + " feature columns " + p.columns());
                }
                start = initialCenters;
            } else {
                KMeansInit.Start init = initMode.equals("random") ? KMeansInit.random(p, k, seed)
                        : KMeansInit.parallel(p, k, initSteps, seed);
                start = init.centers();
                passes[0] += init.passes();
            }
            TrialReporter reporter = TrialReporter.current();
            int initPasses = passes[0];
            Predicate<Lloyd.Step> goOn = reporter == null ? null : step -> reporter.report(step.iteration(),
                    () -> new KMeansModel(step.centers(), p.columns(), predictionCol, new KMeansSummary(step.centers().length, Double.NaN,
                            step.sizes(), step.iteration(), step.converged(), step.costHistory(), initPasses + step.passes(), p.rows(),
                            (System.nanoTime() - t0) / 1e9)));
            Lloyd.Result r = Lloyd.run(p, start, maxIter, tol, listenerFor(frame), goOn);
            KMeansSummary s = new KMeansSummary(r.centers().length, r.cost(), r.sizes(), r.iterations(), r.converged(), r.costHistory(),
                    passes[0] + r.passes(), p.rows(), (System.nanoTime() - t0) / 1e9);
            return new KMeansModel(r.centers(), p.columns(), predictionCol, s);
        }
    }

    private IterationListener listenerFor(DataFrame frame) {
        boolean print = verbose != null ? verbose : frame.session().showsProgress();
        if (!print) {
            return listener;
        }
        ProgressLines lines = new ProgressLines(NAME, verbose != null && verbose, System.err);
        IterationListener user = listener;
        return it -> {
            user.onIteration(it);
            lines.onIteration(it);
        };
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "KMeans(k=%d, maxIter=%d, tol=%s, initMode=%s, initSteps=%d, seed=%d, featuresCols=%s)",
                k, maxIter, tol, initMode, initSteps, seed, featuresCols == null ? "all" : featuresCols);
    }
}
