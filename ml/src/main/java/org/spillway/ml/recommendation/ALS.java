package org.spillway.ml.recommendation;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.spillway.frame.DataFrame;
import org.spillway.ml.Estimator;
import org.spillway.ml.MlException;
import org.spillway.ml.TrialReporter;
import org.spillway.ml.optim.Iteration;
import org.spillway.ml.optim.IterationListener;
import org.spillway.spill.memory.BudgetExceededException;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.memory.Reservation;

/**
 * Matrix factorisation by alternating least squares, as Spark MLlib's {@code ALS}: learns a factor
 * vector of {@code rank} numbers per user and per item so that a rating is predicted by their dot
 * product, from explicit ratings or implicit feedback (clicks, plays).
 *
 * <pre>{@code
 * var model = new ALS().userCol("userId").itemCol("movieId").ratingCol("rating")
 *         .rank(20).maxIter(10).regParam(0.1).seed(1).coldStartStrategy("drop")
 *         .fit(ratings);
 * model.transform(test);              // adds "prediction" (float64)
 * model.recommendForAllUsers(10);     // userId, movieId, rating, rank: ten rows per user
 * }</pre>
 *
 * <p><b>Algorithm</b> (Spark's): factors start as random unit vectors drawn from the seed (their
 * absolute values with {@code nonnegative(true)}); each iteration solves every item from the user
 * factors, then every user from the item factors. Each solve is a ridge regression whose penalty is
 * {@code regParam} times the user's (item's) number of ratings (ALS-WR); with
 * {@code implicitPrefs(true)} it is Hu, Koren and Volinsky's weighted regression with confidence
 * {@code 1 + alpha |r|} and preference {@code r > 0}, using the {@code Y^T Y} trick so that a solve
 * costs only the ratings it has. Normal equations are solved by Cholesky, or by non-negative least
 * squares (an active-set method) with {@code nonnegative(true)}. See {@link HalfStep}.
 *
 * <p><b>Out of core</b>: the ratings are stored twice in the session's chunk store, sorted by user
 * and by item (Spark's in-blocks of each side), and both copies spill past the memory limit; every
 * half-iteration streams one of them chunk by chunk on all workers. The factors of <em>both</em>
 * sides are held on the heap ({@code (users + items) x rank x 8} bytes, reserved from the session's
 * budget before the first iteration; if that reservation fails the fit stops with an error naming
 * the size). This first version does not partition the factors themselves: for 1e6 users and 1e5
 * items of rank 20 they take 176 MB.
 *
 * <p><b>Determinism</b>: every user's (item's) normal equations are summed over its ratings in the
 * sorted order, whatever the chunk boundaries and the number of workers, so a fit gives the same
 * factors bit for bit at any parallelism, in memory or spilled.
 *
 * <p><b>Input</b>: user and item ids in int32 or int64 columns (or float64 columns holding whole
 * numbers); string ids are an error (number them first, e.g. with {@code denseRank()} over a window);
 * ratings numeric. A null id or rating, a NaN or infinite rating or an id that is not a whole number
 * is an error naming the column and the row. Progress: one line per iteration (the ALS-WR objective
 * per rating) to standard error when training runs long, as the other learners.
 *
 * <p><b>Tuning</b>: inside a {@link org.spillway.ml.Tuner} search it reports after every iteration
 * to the bound {@link TrialReporter} with the model at that iteration; when the scheduler stops the
 * trial, training ends there and the model of that iteration is returned (its summary counts the
 * iterations run).
 */
public final class ALS implements Estimator<ALSModel> {
    private static final List<String> COLD_START = List.of("nan", "drop");
    private static final String NAME = "ALS";

    private String userCol = "user";
    private String itemCol = "item";
    private String ratingCol = "rating";
    private String predictionCol = "prediction";
    private int rank = 10;
    private int maxIter = 10;
    private double regParam = 0.1;
    private long seed = 42;
    private boolean implicitPrefs;
    private double alpha = 1.0;
    private boolean nonnegative;
    private String coldStartStrategy = "nan";
    private IterationListener listener = IterationListener.NONE;
    private Boolean verbose;

    /** A learner with Spark's defaults: rank 10, maxIter 10, regParam 0.1, explicit ratings, alpha 1, cold start "nan". */
    public ALS() {
    }

    /** The column of user ids; default {@code "user"}. */
    public ALS userCol(String c) {
        this.userCol = requireName(c, "userCol");
        return this;
    }

    /** The column of item ids; default {@code "item"}. */
    public ALS itemCol(String c) {
        this.itemCol = requireName(c, "itemCol");
        return this;
    }

    /** The column of ratings (or, with implicit feedback, of interaction strengths); default {@code "rating"}. */
    public ALS ratingCol(String c) {
        this.ratingCol = requireName(c, "ratingCol");
        return this;
    }

    /** The column the model's {@code transform} adds; default {@code "prediction"}. */
    public ALS predictionCol(String c) {
        this.predictionCol = requireName(c, "predictionCol");
        return this;
    }

    /** The number of latent factors, at least 1; default 10. */
    public ALS rank(int r) {
        if (r < 1) {
            throw new MlException("Parameter rank = " + r + " is invalid: it must be at least 1");
        }
        this.rank = r;
        return this;
    }

    /** The number of iterations (each solves the items, then the users), at least 0; default 10. */
    public ALS maxIter(int n) {
        if (n < 0) {
            throw new MlException("Parameter maxIter = " + n + " is invalid: it must be at least 0");
        }
        this.maxIter = n;
        return this;
    }

    /** The regularisation {@code lambda}, scaled by each user's and item's rating count; default 0.1. */
    public ALS regParam(double r) {
        if (!(r >= 0) || Double.isInfinite(r)) {
            throw new MlException("Parameter regParam = " + r + " is invalid: it must be finite and at least 0");
        }
        this.regParam = r;
        return this;
    }

    /** The seed of the initial factors; default 42. */
    public ALS seed(long s) {
        this.seed = s;
        return this;
    }

    /** Whether the ratings are implicit feedback (Hu, Koren and Volinsky); default false. */
    public ALS implicitPrefs(boolean b) {
        this.implicitPrefs = b;
        return this;
    }

    /** The confidence scale of implicit feedback: confidence {@code 1 + alpha |r|}; at least 0, default 1. */
    public ALS alpha(double a) {
        if (!(a >= 0) || Double.isInfinite(a)) {
            throw new MlException("Parameter alpha = " + a + " is invalid: it must be finite and at least 0");
        }
        this.alpha = a;
        return this;
    }

    /** Whether to constrain the factors to be non-negative (non-negative least squares per solve); default false. */
    public ALS nonnegative(boolean b) {
        this.nonnegative = b;
        return this;
    }

    /**
     * What {@code transform} does with a user or item it has no factors for: {@code "nan"} predicts
     * NaN (the default), {@code "drop"} leaves the row out, as in Spark.
     */
    public ALS coldStartStrategy(String s) {
        if (!COLD_START.contains(s)) {
            throw new MlException("Parameter coldStartStrategy = " + s + " is invalid: it must be one of " + COLD_START);
        }
        this.coldStartStrategy = s;
        return this;
    }

    /** Receives every iteration (objective per rating, elapsed time). */
    public ALS listener(IterationListener l) {
        this.listener = l == null ? IterationListener.NONE : l;
        return this;
    }

    /**
     * Whether to print a line per iteration to standard error: true always, false never; by default
     * once training has run two seconds, when the session shows progress.
     */
    public ALS verbose(boolean v) {
        this.verbose = v;
        return this;
    }

    /** The rank. */
    public int rank() {
        return rank;
    }

    /** The number of iterations. */
    public int maxIter() {
        return maxIter;
    }

    /** The regularisation parameter. */
    public double regParam() {
        return regParam;
    }

    private static String requireName(String c, String param) {
        if (c == null || c.isEmpty()) {
            throw new MlException("Parameter " + param + " must name a column, not " + (c == null ? "null" : "\"\""));
        }
        return c;
    }

    @Override
    public ALSModel fit(DataFrame frame) {
        long t0 = System.nanoTime();
        IterationListener out = listenerFor(frame);
        try (RatingBlocks blocks = RatingBlocks.prepare(frame, userCol, itemCol, ratingCol, NAME)) {
            int nu = blocks.users.size();
            int ni = blocks.items.size();
            long factorBytes = ((long) nu + ni) * rank * Double.BYTES + ((long) nu + ni) * Double.BYTES
                    + 2L * rank * rank * Double.BYTES;
            if ((long) nu * rank > Integer.MAX_VALUE - 8 || (long) ni * rank > Integer.MAX_VALUE - 8) {
                throw new MlException(String.format(Locale.ROOT, "ALS: %,d users and %,d items at rank %d need more factors than one"
                        + " Java array holds (2^31); lower the rank", nu, ni, rank));
            }
            MemoryBudget budget = frame.session().budget();
            Reservation held;
            try {
                held = budget.reserve("ALS factors", factorBytes);
            } catch (BudgetExceededException e) {
                throw new MlException(String.format(Locale.ROOT, "ALS keeps the factors of both sides on the heap: %,d users and %,d items"
                        + " at rank %d take %s, more than the session's memory budget can give (%s); raise the memory limit or"
                        + " lower the rank", nu, ni, rank, MemoryBudget.formatBytes(factorBytes), e.getMessage()), e);
            }
            try (held) {
                double[] u = initialFactors(nu, rank, seed, true, nonnegative);
                double[] v = initialFactors(ni, rank, seed, false, nonnegative);
                HalfStep items = new HalfStep(blocks.byItem, rank, regParam, implicitPrefs, alpha, nonnegative, blocks.items, "item", false);
                HalfStep users = new HalfStep(blocks.byUser, rank, regParam, implicitPrefs, alpha, nonnegative, blocks.users, "user", true);
                double[] history = new double[maxIter];
                TrialReporter reporter = TrialReporter.current();
                int done = maxIter;
                for (int it = 0; it < maxIter; it++) {
                    items.run(u, v, implicitPrefs ? HalfStep.gram(u, rank) : null);
                    users.run(v, u, implicitPrefs ? HalfStep.gram(v, rank) : null);
                    double sum = 0;
                    for (double x : users.terms()) {
                        sum += x;
                    }
                    for (double x : items.terms()) {
                        sum += x;
                    }
                    history[it] = sum / blocks.ratings;
                    out.onIteration(new Iteration(it + 1, history[it], Double.NaN, 2 * (it + 1), System.nanoTime() - t0));
                    if (reporter != null) {
                        int n = it + 1;
                        // the snapshot shares the factors being trained: the reporter scores it during the call
                        if (!reporter.report(n, () -> new ALSModel(rank, userCol, itemCol, predictionCol, coldStartStrategy, blocks.userType,
                                blocks.itemType, blocks.users.ids(), blocks.items.ids(), u, v, new ALSModel.Summary(n,
                                        Arrays.copyOf(history, n), blocks.ratings, implicitPrefs, (System.nanoTime() - t0) / 1e9),
                                frame.session()))) {
                            done = n;
                            break;
                        }
                    }
                }
                ALSModel.Summary summary = new ALSModel.Summary(done, Arrays.copyOf(history, done), blocks.ratings, implicitPrefs,
                        (System.nanoTime() - t0) / 1e9);
                return new ALSModel(rank, userCol, itemCol, predictionCol, coldStartStrategy, blocks.userType, blocks.itemType,
                        blocks.users.ids(), blocks.items.ids(), u, v, summary, frame.session());
            }
        }
    }

    private IterationListener listenerFor(DataFrame frame) {
        boolean print = verbose != null ? verbose : frame.session().showsProgress();
        if (!print) {
            return listener;
        }
        AlsProgress p = new AlsProgress(NAME, verbose != null && verbose, System.err);
        IterationListener user = listener;
        return it -> {
            user.onIteration(it);
            p.onIteration(it);
        };
    }

    /**
     * The initial factors of one side, {@code n x rank} row-major: row {@code j} is a vector of
     * standard normal deviates drawn from {@code (seed, side, j)} and scaled to unit length (as Spark),
     * its absolute values when {@code nonnegative}. Deterministic (counter-based random numbers,
     * {@link StrictMath}).
     */
    static double[] initialFactors(int n, int rank, long seed, boolean users, boolean nonnegative) {
        double[] f = new double[n * rank];
        long base = mix64(mix64(seed ^ 0x2545F4914F6CDD1DL) + (users ? 1 : 2));
        for (int j = 0; j < n; j++) {
            long state = mix64(base + j * GOLDEN);
            int off = j * rank;
            double norm = 0;
            for (int c = 0; c < rank; c += 2) {
                // Box-Muller: two normals from two uniforms in (0, 1]
                state += GOLDEN;
                double u1 = ((mix64(state) >>> 11) + 1) * 0x1.0p-53;
                state += GOLDEN;
                double u2 = (mix64(state) >>> 11) * 0x1.0p-53;
                double m = StrictMath.sqrt(-2 * StrictMath.log(u1));
                double z0 = m * StrictMath.cos(2 * Math.PI * u2);
                double z1 = m * StrictMath.sin(2 * Math.PI * u2);
                f[off + c] = nonnegative ? Math.abs(z0) : z0;
                norm += z0 * z0;
                if (c + 1 < rank) {
                    f[off + c + 1] = nonnegative ? Math.abs(z1) : z1;
                    norm += z1 * z1;
                }
            }
            double inv = norm > 0 ? 1 / Math.sqrt(norm) : 1;
            for (int c = 0; c < rank; c++) {
                f[off + c] *= inv;
            }
        }
        return f;
    }

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ALS[userCol=%s, itemCol=%s, ratingCol=%s, rank=%d, maxIter=%d, regParam=%s, implicitPrefs=%s,"
                + " alpha=%s, nonnegative=%s, coldStartStrategy=%s, seed=%d]", userCol, itemCol, ratingCol, rank, maxIter, regParam,
                implicitPrefs, alpha, nonnegative, coldStartStrategy, seed);
    }
}
