package org.spillway.datasets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.RowGenerator;
import org.spillway.spill.vector.VectorBuilder;

/**
 * Labelled data drawn from a <em>known</em> true model, for testing learners: a fitted model can be
 * compared with {@link #trueCoefficients()} and {@link #trueIntercept()}, and its metrics with those
 * of the true model ({@link #trueMargin(long)}).
 *
 * <pre>{@code
 * var g = Synthetic.classification(1_000_000).numericFeatures(20).categoricalFeatures(2, 10)
 *         .positiveRate(0.2).labelNoise(0.01).seed(7);
 * g.writeCsv(Path.of("data/train.csv"));            // or sw.generate(g): a frame without a file
 * var test = g.withRows(200_000).rowSeed(1);         // the same true model, other rows
 * g.trueCoefficients();                             // {f0=0.41, f1=-0.07, ..., c0=a=0.0, c0=b=0.93, ...}
 * }</pre>
 *
 * <p><b>Columns</b>, in order:
 * <ul>
 *   <li>{@code f0 .. f<d-1>} float64: feature {@code fj} is normal with standard deviation
 *       {@link #featureStd(int)} {@code = [1, 5, 0.2, 50, 2][j % 5]} and mean {@link #featureMean(int)}
 *       {@code = featureStd(j) * [0, 2, -1, 4][j % 4]} (so that standardisation matters: f3 has mean
 *       200 and standard deviation 50, f2 mean -0.2 and standard deviation 0.2), rounded to six
 *       decimals; features are independent;</li>
 *   <li>{@code c0 .. c<m-1>} string: one of {@code levels} level names {@code a, b, .., z, aa, ab, ..}
 *       ({@link #levelName(int)}); level {@code l} has probability proportional to {@code 1 / (l + 1)}
 *       (skewed: {@code a} is the most frequent);</li>
 *   <li>{@code label}: int32 0/1 ({@link #classification}), int32 {@code 0 .. K-1}
 *       ({@link #multiclass}) or float64 rounded to six decimals ({@link #regression}).</li>
 * </ul>
 *
 * <p><b>The true model.</b> The score of a row is {@code s = b + sum_j w_j * fj + sum_c g_c[level of cc]},
 * with {@code w} and {@code g} from {@link #trueCoefficients()} (keys {@code "fj"} and
 * {@code "cc=<level>"}) and {@code b} from {@link #trueIntercept()}. The reference level of every
 * categorical column is its first level {@code a}: its coefficient is 0 (it is listed, as 0). How the
 * label follows from the score:
 * <ul>
 *   <li>classification: {@code y ~ Bernoulli(sigmoid(s))}, then with probability {@code labelNoise}
 *       flipped, so {@code P(y = 1 | x) = labelNoise + (1 - 2 labelNoise) sigmoid(s)}; the intercept is
 *       chosen (on a calibration sample of 65,536 rows, or fewer with very many features) so that the
 *       expected share of labels 1, noise included, is {@code positiveRate};</li>
 *   <li>multiclass: one score set per class ({@link #trueCoefficients(int)}, {@link #trueIntercept(int)});
 *       class 0 is the reference class with all coefficients and its intercept 0;
 *       {@code P(y = k | x) = softmax(s)_k}, then with probability {@code labelNoise} the label is
 *       replaced by one of the other classes, uniformly; intercepts are chosen so classes are about
 *       equally frequent;</li>
 *   <li>regression: {@code y = s + noise * N(0, 1)}, rounded to six decimals; the intercept is drawn so
 *       that the mean of {@code y} lies in about [-5, 5].</li>
 * </ul>
 * The first {@link #informativeFeatures(int) informativeFeatures} numeric features (default: all) have
 * non-zero coefficients, the rest exactly 0. Every coefficient is drawn from the seed: a numeric one is
 * {@code ±(0.25 .. 1)} per standard deviation of its feature, a level effect is normal; then all are
 * scaled so that the score's standard deviation (intercept aside) is {@link #signal(double) signal}
 * (default 2: a true-model AUC of about 0.86 for balanced binary labels). Raw coefficients are per unit
 * of the feature as written: the effect of one standard deviation of {@code fj} is
 * {@code w_j * featureStd(j)}.
 *
 * <p><b>Determinism.</b> Row {@code i} depends only on the settings, the {@link #seed(long) seed} (which
 * also fixes the true model) and the {@link #rowSeed(long) row seed}, and {@code i}: never on the thread
 * count or the order in which blocks are filled or written; the values are the same on every machine
 * ({@link StrictMath}). The true model does not depend on the row count or the row seed, so
 * {@code g.withRows(n).rowSeed(1)} is a test set of the same model.
 *
 * <p>Cost: the true model is computed on first use (a calibration pass over up to 65,536 rows);
 * filling or writing draws one normal per numeric feature per row, on the calling thread for
 * {@link #fill} and on up to 8 threads for {@link #writeCsv}. Instances are immutable and thread-safe.
 */
public final class Synthetic implements RowGenerator {
    /** What the label is. */
    public enum Task {
        /** Binary labels 0/1 from a logistic model. */
        CLASSIFICATION,
        /** Labels {@code 0 .. K-1} from a multinomial logistic (softmax) model. */
        MULTICLASS,
        /** A float64 label from a linear model with Gaussian noise. */
        REGRESSION
    }

    /** The default seed. */
    public static final long DEFAULT_SEED = 42;
    /** The name of the label column. */
    public static final String LABEL = "label";
    /** The most numeric features a generator may have. */
    public static final int MAX_NUMERIC = 10_000;
    /** The most categorical columns a generator may have. */
    public static final int MAX_CATEGORICAL = 1_000;
    /** The most levels a categorical column may have (names up to three letters). */
    public static final int MAX_LEVELS = 10_000;
    /** The most classes of a multiclass generator. */
    public static final int MAX_CLASSES = 1_000;

    private static final double[] STDS = {1, 5, 0.2, 50, 2};
    /** Means in standard deviations, so that no feature is a tiny wiggle around a large offset. */
    private static final double[] MEANS_IN_STDS = {0, 2, -1, 4};
    private static final int MAX_WRITER_THREADS = 8;

    /** The settings; a copy is changed and frozen into a new instance by each wither. */
    private static final class Settings implements Cloneable {
        Task task;
        long rows;
        int numeric = 10;
        int informative = -1; // all
        int categorical;
        int levels = 10;
        int classes = 3;
        double signal = 2.0;
        double positiveRate = 0.5;
        double labelNoise;
        double noise = 1.0;
        long seed = DEFAULT_SEED;
        long rowSeed;
        int threads; // 0 = available processors, at most 8

        Settings copy() {
            try {
                return (Settings) clone();
            } catch (CloneNotSupportedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private final Settings s;
    private final Object lock = new Object();
    private volatile SyntheticModel model;
    private volatile Schema schema;

    private Synthetic(Settings s) {
        this.s = s;
    }

    private static Synthetic of(Task task, long n) {
        if (n < 0) {
            throw new IllegalArgumentException("rows must be >= 0: " + n);
        }
        Settings s = new Settings();
        s.task = task;
        s.rows = n;
        return new Synthetic(s);
    }

    /** Binary classification data of {@code n} rows: 10 numeric features, positive rate 0.5, no label noise, seed 42. */
    public static Synthetic classification(long n) {
        return of(Task.CLASSIFICATION, n);
    }

    /** Multiclass data of {@code n} rows: 3 classes, 10 numeric features, no label noise, seed 42. */
    public static Synthetic multiclass(long n) {
        return of(Task.MULTICLASS, n);
    }

    /** Regression data of {@code n} rows: 10 numeric features, noise standard deviation 1, seed 42. */
    public static Synthetic regression(long n) {
        return of(Task.REGRESSION, n);
    }

    private Synthetic with(Consumer<Settings> change) {
        Settings c = s.copy();
        change.accept(c);
        return new Synthetic(c);
    }

    private void requireTask(String option, Task... tasks) {
        for (Task t : tasks) {
            if (s.task == t) {
                return;
            }
        }
        throw new IllegalStateException(option + " does not apply to " + s.task.name().toLowerCase(Locale.ROOT)
                + " data: it is an option of " + java.util.Arrays.stream(tasks).map(t -> "Synthetic." + t.name().toLowerCase(Locale.ROOT))
                .collect(java.util.stream.Collectors.joining(" and ")));
    }

    // ---------------------------------------------------------------- settings

    /** The same generator with {@code n} rows (the true model stays the same). */
    public Synthetic withRows(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("rows must be >= 0: " + n);
        }
        return with(c -> c.rows = n);
    }

    /** The same generator with {@code d} numeric features {@code f0 .. f<d-1>} (default 10; 0 .. {@value #MAX_NUMERIC}). */
    public Synthetic numericFeatures(int d) {
        if (d < 0 || d > MAX_NUMERIC) {
            throw new IllegalArgumentException("numericFeatures must be in 0.." + MAX_NUMERIC + ": " + d);
        }
        return with(c -> c.numeric = d);
    }

    /**
     * The same generator where only the first {@code k} numeric features have non-zero coefficients
     * (default: all of them); at most {@link #numericFeatures(int) numericFeatures}.
     */
    public Synthetic informativeFeatures(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("informativeFeatures must be >= 0: " + k);
        }
        return with(c -> c.informative = k);
    }

    /**
     * The same generator with {@code count} categorical string columns {@code c0 .. c<count-1>}, each
     * with {@code levels} levels (default: none).
     *
     * @param count  0 .. {@value #MAX_CATEGORICAL}
     * @param levels 2 .. {@value #MAX_LEVELS}
     */
    public Synthetic categoricalFeatures(int count, int levels) {
        if (count < 0 || count > MAX_CATEGORICAL) {
            throw new IllegalArgumentException("the number of categorical features must be in 0.." + MAX_CATEGORICAL + ": " + count);
        }
        if (levels < 2 || levels > MAX_LEVELS) {
            throw new IllegalArgumentException("levels must be in 2.." + MAX_LEVELS + ": " + levels);
        }
        return with(c -> {
            c.categorical = count;
            c.levels = levels;
        });
    }

    /** The same generator with the score's standard deviation, intercept aside, set to {@code sd} (default 2; &gt; 0). */
    public Synthetic signal(double sd) {
        if (!(sd > 0) || Double.isInfinite(sd)) {
            throw new IllegalArgumentException("signal must be a positive standard deviation: " + sd);
        }
        return with(c -> c.signal = sd);
    }

    /**
     * Classification only: the expected share of labels 1, label noise included (default 0.5); the
     * intercept is chosen for it.
     *
     * @throws IllegalStateException for other tasks
     */
    public Synthetic positiveRate(double rate) {
        requireTask("positiveRate", Task.CLASSIFICATION);
        if (!(rate > 0 && rate < 1)) {
            throw new IllegalArgumentException("positiveRate must be strictly between 0 and 1: " + rate);
        }
        return with(c -> c.positiveRate = rate);
    }

    /**
     * Classification and multiclass: the probability that a label is replaced by another one (default 0;
     * below 0.5, and for classification below the positive rate and its complement).
     *
     * @throws IllegalStateException for regression
     */
    public Synthetic labelNoise(double fraction) {
        requireTask("labelNoise", Task.CLASSIFICATION, Task.MULTICLASS);
        if (!(fraction >= 0 && fraction < 0.5)) {
            throw new IllegalArgumentException("labelNoise must be in [0, 0.5): " + fraction);
        }
        return with(c -> c.labelNoise = fraction);
    }

    /**
     * Regression only: the standard deviation of the Gaussian noise added to the score (default 1; &ge; 0).
     *
     * @throws IllegalStateException for other tasks
     */
    public Synthetic noise(double sd) {
        requireTask("noise", Task.REGRESSION);
        if (!(sd >= 0) || Double.isInfinite(sd)) {
            throw new IllegalArgumentException("noise must be a standard deviation >= 0: " + sd);
        }
        return with(c -> c.noise = sd);
    }

    /**
     * Multiclass only: the number of classes (default 3; 2 .. {@value #MAX_CLASSES}).
     *
     * @throws IllegalStateException for other tasks
     */
    public Synthetic classes(int k) {
        requireTask("classes", Task.MULTICLASS);
        if (k < 2 || k > MAX_CLASSES) {
            throw new IllegalArgumentException("classes must be in 2.." + MAX_CLASSES + ": " + k);
        }
        return with(c -> c.classes = k);
    }

    /** The same generator with another seed, which fixes the true model and (with the row seed) the rows (default {@value #DEFAULT_SEED}). */
    public Synthetic seed(long seed) {
        return with(c -> c.seed = seed);
    }

    /**
     * The same generator and true model with other rows: generators that differ only in the row seed
     * (default 0) draw independent rows from the same model, e.g. a training and a test set.
     */
    public Synthetic rowSeed(long rowSeed) {
        return with(c -> c.rowSeed = rowSeed);
    }

    /** Test hook: the same generator writing CSV on {@code threads} threads (the output is identical). */
    Synthetic threads(int threads) {
        return with(c -> c.threads = Math.max(1, threads));
    }

    // ---------------------------------------------------------------- getters

    /** The task: classification, multiclass or regression. */
    public Task task() {
        return s.task;
    }

    @Override
    public long rows() {
        return s.rows;
    }

    /** The number of numeric features. */
    public int numericFeatures() {
        return s.numeric;
    }

    /** The number of numeric features with non-zero coefficients (the first ones). */
    public int informativeFeatures() {
        return s.informative < 0 ? s.numeric : s.informative;
    }

    /** The number of categorical columns. */
    public int categoricalFeatures() {
        return s.categorical;
    }

    /** The number of levels of each categorical column. */
    public int levels() {
        return s.levels;
    }

    /** The number of classes: 2 for classification, K for multiclass, 0 for regression. */
    public int classes() {
        return switch (s.task) {
            case CLASSIFICATION -> 2;
            case MULTICLASS -> s.classes;
            case REGRESSION -> 0;
        };
    }

    /** The score's standard deviation, intercept aside. */
    public double signal() {
        return s.signal;
    }

    /** The expected share of labels 1 (classification; 0.5 unless set). */
    public double positiveRate() {
        return s.positiveRate;
    }

    /** The label noise (classification and multiclass). */
    public double labelNoise() {
        return s.labelNoise;
    }

    /** The standard deviation of the noise (regression). */
    public double noise() {
        return s.noise;
    }

    /** The seed of the true model and the rows. */
    public long seed() {
        return s.seed;
    }

    /** The row seed. */
    public long rowSeed() {
        return s.rowSeed;
    }

    /** The mean of numeric feature {@code fj}: {@code featureStd(j) * [0, 2, -1, 4][j % 4]}. */
    public double featureMean(int j) {
        checkFeature(j);
        return featureMeanOf(j);
    }

    /** The standard deviation of numeric feature {@code fj}: {@code [1, 5, 0.2, 50, 2][j % 5]}. */
    public double featureStd(int j) {
        checkFeature(j);
        return featureStdOf(j);
    }

    static double featureMeanOf(int j) {
        return MEANS_IN_STDS[j % MEANS_IN_STDS.length] * featureStdOf(j);
    }

    static double featureStdOf(int j) {
        return STDS[j % STDS.length];
    }

    private void checkFeature(int j) {
        if (j < 0 || j >= s.numeric) {
            throw new IndexOutOfBoundsException("numeric feature " + j + " of " + s.numeric + " (f0 .. f" + (s.numeric - 1) + ")");
        }
    }

    /**
     * The name of level {@code l}: {@code a .. z} for 0 .. 25, then {@code aa, ab, .., zz, aaa, ..}
     * (bijective base 26, like spreadsheet columns in lower case).
     */
    public static String levelName(int l) {
        if (l < 0) {
            throw new IllegalArgumentException("level must be >= 0: " + l);
        }
        StringBuilder sb = new StringBuilder();
        int v = l + 1;
        while (v > 0) {
            v--;
            sb.append((char) ('a' + v % 26));
            v /= 26;
        }
        return sb.reverse().toString();
    }

    /** The level names of every categorical column, in level order ({@code a} first, the reference level). */
    public List<String> levelNames() {
        List<String> out = new ArrayList<>(s.levels);
        for (int l = 0; l < s.levels; l++) {
            out.add(levelName(l));
        }
        return Collections.unmodifiableList(out);
    }

    // ---------------------------------------------------------------- true model

    private SyntheticModel model() {
        SyntheticModel m = model;
        if (m == null) {
            synchronized (lock) {
                m = model;
                if (m == null) {
                    int informative = informativeFeatures();
                    if (informative > s.numeric) {
                        throw new IllegalArgumentException("informativeFeatures(" + informative + ") exceeds numericFeatures("
                                + s.numeric + "): there are only " + s.numeric + " numeric features");
                    }
                    if (s.task == Task.CLASSIFICATION && !(s.labelNoise < s.positiveRate && s.labelNoise < 1 - s.positiveRate)) {
                        throw new IllegalArgumentException("labelNoise " + s.labelNoise + " cannot give positiveRate " + s.positiveRate
                                + ": flipping that share of labels alone brings the rate nearer 0.5; lower the label noise below "
                                + Math.min(s.positiveRate, 1 - s.positiveRate));
                    }
                    m = new SyntheticModel(s.task, s.numeric, informative, s.categorical, s.levels, s.classes, s.signal,
                            s.positiveRate, s.labelNoise, s.noise, s.seed, s.rowSeed);
                    model = m;
                }
            }
        }
        return m;
    }

    /**
     * The true coefficients (classification, regression), in column order: {@code "fj"} per unit of
     * numeric feature {@code fj}, then {@code "cc=<level>"} for every level of categorical column
     * {@code cc} (the reference level {@code a} with 0).
     *
     * @throws IllegalStateException for multiclass data (use {@link #trueCoefficients(int)})
     */
    public Map<String, Double> trueCoefficients() {
        if (s.task == Task.MULTICLASS) {
            throw new IllegalStateException("multiclass data have one set of coefficients per class: call trueCoefficients(k) for k in 0.."
                    + (s.classes - 1));
        }
        return coefficients(0);
    }

    /**
     * The true intercept (classification, regression).
     *
     * @throws IllegalStateException for multiclass data (use {@link #trueIntercept(int)})
     */
    public double trueIntercept() {
        if (s.task == Task.MULTICLASS) {
            throw new IllegalStateException("multiclass data have one intercept per class: call trueIntercept(k) for k in 0.."
                    + (s.classes - 1));
        }
        return model().intercept[0];
    }

    /**
     * The true coefficients of class {@code k}'s score (keys as in {@link #trueCoefficients()});
     * those of class 0, the reference class, are all 0. For classification and regression only
     * {@code k = 0} exists (the same as {@link #trueCoefficients()}).
     */
    public Map<String, Double> trueCoefficients(int k) {
        checkSet(k);
        return coefficients(k);
    }

    /** The true intercept of class {@code k}'s score (0 for class 0 of multiclass data); see {@link #trueCoefficients(int)}. */
    public double trueIntercept(int k) {
        checkSet(k);
        return model().intercept[k];
    }

    private void checkSet(int k) {
        int sets = s.task == Task.MULTICLASS ? s.classes : 1;
        if (k < 0 || k >= sets) {
            throw new IndexOutOfBoundsException("score set " + k + ": " + (sets == 1 ? "only 0 exists for " + s.task.name().toLowerCase(Locale.ROOT)
                    + " data" : "classes are 0.." + (sets - 1)));
        }
    }

    private Map<String, Double> coefficients(int k) {
        SyntheticModel m = model();
        Map<String, Double> out = new LinkedHashMap<>();
        for (int j = 0; j < m.d; j++) {
            out.put("f" + j, m.w[k][j]);
        }
        for (int c = 0; c < m.m; c++) {
            for (int l = 0; l < m.levels; l++) {
                out.put("c" + c + "=" + m.levelNames[l], m.gamma[k][c][l]);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The true score of row {@code row}, {@code trueIntercept() + sum of coefficient * value}: the
     * log-odds of the clean label (classification) or the mean of the label (regression).
     *
     * @throws IllegalStateException for multiclass data (use {@link #trueScores(long)})
     * @throws IndexOutOfBoundsException if the row does not exist
     */
    public double trueMargin(long row) {
        if (s.task == Task.MULTICLASS) {
            throw new IllegalStateException("multiclass data have one score per class: call trueScores(row)");
        }
        return trueScores(row)[0];
    }

    /**
     * The true scores of row {@code row}: one for classification and regression, one per class for
     * multiclass (softmax of them: the clean label's class probabilities).
     *
     * @throws IndexOutOfBoundsException if the row does not exist
     */
    public double[] trueScores(long row) {
        if (row < 0 || row >= s.rows) {
            throw new IndexOutOfBoundsException("row " + row + " of " + s.rows);
        }
        return model().scores(row);
    }

    // ---------------------------------------------------------------- rows

    /** The columns: {@code f0..} float64, {@code c0..} string, {@code label} int32 (float64 for regression). */
    @Override
    public Schema schema() {
        Schema sc = schema;
        if (sc == null) {
            List<Field> fields = new ArrayList<>(s.numeric + s.categorical + 1);
            for (int j = 0; j < s.numeric; j++) {
                fields.add(new Field("f" + j, DataType.FLOAT64));
            }
            for (int c = 0; c < s.categorical; c++) {
                fields.add(new Field("c" + c, DataType.STRING));
            }
            fields.add(new Field(LABEL, s.task == Task.REGRESSION ? DataType.FLOAT64 : DataType.INT32));
            sc = new Schema(fields);
            schema = sc;
        }
        return sc;
    }

    /**
     * {@inheritDoc} Runs on the calling thread; about the cost of drawing one normal per numeric
     * feature per row.
     */
    @Override
    public void fill(long fromRow, int count, List<VectorBuilder> builders) {
        RowGenerator.checkFill(this, fromRow, count, builders);
        model().fill(fromRow, count, builders);
    }

    /**
     * Writes all rows as CSV with a header line to {@code file} (replacing it atomically, through a
     * temporary file in the same directory; the directory is created if missing). Numbers are plain
     * decimals with up to six decimals, which read back as exactly the values {@link #fill} gives.
     *
     * @return the number of bytes written
     * @throws IOException if writing fails; the temporary file is then deleted
     */
    public long writeCsv(Path file) throws IOException {
        SyntheticModel m = model();
        byte[] header = (String.join(",", schema().names()) + "\n").getBytes(StandardCharsets.US_ASCII);
        int threads = s.threads > 0 ? s.threads : Math.min(MAX_WRITER_THREADS, Runtime.getRuntime().availableProcessors());
        return CsvBlocks.writeRows(file, header, s.rows, m.maxRowBytes, threads, m::format);
    }

    /** For example {@code Synthetic.classification(1000 rows, 20 numeric, 2 x 10 levels, seed 7, row seed 0)}. */
    @Override
    public String toString() {
        return "Synthetic." + s.task.name().toLowerCase(Locale.ROOT) + "(" + s.rows + " rows, " + s.numeric + " numeric"
                + (s.categorical > 0 ? ", " + s.categorical + " x " + s.levels + " levels" : "")
                + (s.task == Task.MULTICLASS ? ", " + s.classes + " classes" : "")
                + ", seed " + s.seed + ", row seed " + s.rowSeed + ")";
    }
}
