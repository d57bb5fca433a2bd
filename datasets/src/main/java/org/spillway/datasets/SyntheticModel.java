package org.spillway.datasets;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.spillway.spill.vector.DoubleVectorBuilder;
import org.spillway.spill.vector.IntVectorBuilder;
import org.spillway.spill.vector.StringVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * The true model and the row sampler behind a {@link Synthetic} generator: feature distributions,
 * coefficients (one set per score: one for binary and regression, one per class for multiclass),
 * intercepts, and how a row's values and label are drawn from its own random stream. Immutable.
 */
final class SyntheticModel {
    /** Calibration sample rows for the intercepts, fewer with many features. */
    private static final int MAX_CALIBRATION_ROWS = 1 << 16;

    final Synthetic.Task task;
    final int d;
    final int m;
    final int levels;
    /** Score sets: 1, or the number of classes. */
    final int sets;
    final double[] mean;
    final double[] std;
    /** Raw coefficients by set and numeric feature. */
    final double[][] w;
    /** Effects by set, categorical column and level; level 0 (the reference) is 0. */
    final double[][][] gamma;
    final double[] intercept;
    final double[] levelCdf;
    final String[] levelNames;
    final byte[][] levelBytes;
    final double labelNoise;
    final double noise;
    private final long rowFamily;
    final int maxRowBytes;

    SyntheticModel(Synthetic.Task task, int d, int informative, int m, int levels, int classes, double signal,
                   double positiveRate, double labelNoise, double noise, long seed, long rowSeed) {
        this.task = task;
        this.d = d;
        this.m = m;
        this.levels = levels;
        this.sets = task == Synthetic.Task.MULTICLASS ? classes : 1;
        this.labelNoise = labelNoise;
        this.noise = noise;
        this.rowFamily = RowRandom.family(RowRandom.family(seed, 5), rowSeed);

        mean = new double[d];
        std = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] = Synthetic.featureMeanOf(j);
            std[j] = Synthetic.featureStdOf(j);
        }
        double[] weights = new double[levels];
        for (int l = 0; l < levels; l++) {
            weights[l] = 1.0 / (l + 1);
        }
        levelCdf = m > 0 ? RowRandom.cdf(weights) : new double[] {1.0};
        levelNames = new String[levels];
        levelBytes = new byte[levels][];
        for (int l = 0; l < levels; l++) {
            levelNames[l] = Synthetic.levelName(l);
            levelBytes[l] = levelNames[l].getBytes(StandardCharsets.US_ASCII);
        }

        // Standardised effects: numeric beta (per standard deviation of the feature), categorical gamma.
        w = new double[sets][d];
        gamma = new double[sets][m][levels];
        RowRandom r = new RowRandom();
        int first = task == Synthetic.Task.MULTICLASS ? 1 : 0; // class 0 is the reference class: all zero
        for (int k = first; k < sets; k++) {
            long numFamily = RowRandom.family(RowRandom.family(seed, 1), k);
            double var = 0;
            for (int j = 0; j < informative; j++) {
                r.start(numFamily, j);
                double magnitude = 0.25 + 0.75 * r.uniform();
                w[k][j] = r.uniform() < 0.5 ? -magnitude : magnitude;
                var += w[k][j] * w[k][j];
            }
            long catFamily = RowRandom.family(RowRandom.family(seed, 2), k);
            for (int c = 0; c < m; c++) {
                long levelFamily = RowRandom.family(catFamily, c);
                double mu = 0;
                double sq = 0;
                for (int l = 1; l < levels; l++) {
                    gamma[k][c][l] = r.start(levelFamily, l).normal();
                    double p = levelCdf[l] - levelCdf[l - 1];
                    mu += p * gamma[k][c][l];
                    sq += p * gamma[k][c][l] * gamma[k][c][l];
                }
                var += sq - mu * mu;
            }
            double scale = var > 0 ? signal / Math.sqrt(var) : 0;
            for (int j = 0; j < d; j++) {
                w[k][j] = w[k][j] * scale / std[j]; // per unit of the raw feature
            }
            for (int c = 0; c < m; c++) {
                for (int l = 0; l < levels; l++) {
                    gamma[k][c][l] *= scale;
                }
            }
        }

        intercept = new double[sets];
        switch (task) {
            case REGRESSION -> {
                double centre = r.start(RowRandom.family(seed, 3), 0).uniform() * 10 - 5;
                double offset = 0;
                for (int j = 0; j < d; j++) {
                    offset += w[0][j] * mean[j];
                }
                intercept[0] = centre - offset;
            }
            case CLASSIFICATION -> {
                double clean = (positiveRate - labelNoise) / (1 - 2 * labelNoise);
                intercept[0] = binaryIntercept(calibrationScores(seed)[0], clean);
            }
            case MULTICLASS -> {
                double[] b = multiclassIntercepts(calibrationScores(seed));
                System.arraycopy(b, 0, intercept, 0, sets);
            }
        }

        int maxLevel = levelBytes[levels - 1].length;
        int labelBytes = task == Synthetic.Task.REGRESSION ? Decimals.MAX_NUMBER_BYTES : 12;
        maxRowBytes = (Decimals.MAX_NUMBER_BYTES + 1) * d + (maxLevel + 1) * m + labelBytes + 2;
    }

    /** One row's values, reused row after row by one thread. */
    static final class Row {
        final long[] micros;
        final double[] x;
        final int[] level;
        final double[] scores;
        int label;
        long yMicros;

        Row(SyntheticModel model) {
            micros = new long[model.d];
            x = new double[model.d];
            level = new int[model.m];
            scores = new double[model.sets];
        }
    }

    Row newRow() {
        return new Row(this);
    }

    /** Draws the features of the row whose stream {@code r} is at (numerics, then categories), and its scores. */
    private void drawFeatures(RowRandom r, Row out) {
        for (int j = 0; j < d; j++) {
            long mu = Decimals.micros(mean[j] + std[j] * r.normal());
            out.micros[j] = mu;
            out.x[j] = Decimals.value(mu);
        }
        for (int c = 0; c < m; c++) {
            out.level[c] = RowRandom.pick(levelCdf, r.uniform());
        }
        for (int k = 0; k < sets; k++) {
            out.scores[k] = score(k, out.x, out.level);
        }
    }

    /** {@code intercept[k] + w[k] . x + sum of gamma[k][c][level[c]]}. */
    double score(int k, double[] x, int[] level) {
        double s = intercept[k];
        double[] wk = w[k];
        for (int j = 0; j < d; j++) {
            s += wk[j] * x[j];
        }
        for (int c = 0; c < m; c++) {
            s += gamma[k][c][level[c]];
        }
        return s;
    }

    /** Draws row {@code row}: its features, scores and label. */
    void draw(long row, RowRandom r, Row out) {
        r.start(rowFamily, row);
        drawFeatures(r, out);
        switch (task) {
            case CLASSIFICATION -> {
                int y = r.uniform() < RowRandom.sigmoid(out.scores[0]) ? 1 : 0;
                out.label = r.uniform() < labelNoise ? 1 - y : y;
            }
            case MULTICLASS -> {
                double u = r.uniform();
                double flip = r.uniform();
                long other = r.next();
                int y = pickClass(out.scores, u);
                out.label = flip < labelNoise ? (int) ((y + 1 + Rng.below(other, sets - 1)) % sets) : y;
            }
            case REGRESSION -> out.yMicros = Decimals.micros(out.scores[0] + noise * r.normal());
        }
    }

    /** The scores of row {@code row} (without drawing its label). */
    double[] scores(long row) {
        Row out = newRow();
        drawFeatures(new RowRandom().start(rowFamily, row), out);
        return out.scores.clone();
    }

    /** A class drawn with softmax probabilities of {@code scores}, by the uniform {@code u}. */
    private static int pickClass(double[] scores, double u) {
        double max = Double.NEGATIVE_INFINITY;
        for (double s : scores) {
            max = Math.max(max, s);
        }
        double total = 0;
        for (double s : scores) {
            total += StrictMath.exp(s - max);
        }
        double target = u * total;
        double acc = 0;
        for (int k = 0; k < scores.length - 1; k++) {
            acc += StrictMath.exp(scores[k] - max);
            if (target < acc) {
                return k;
            }
        }
        return scores.length - 1;
    }

    /** Scores without intercepts of a calibration sample (its own stream, independent of the row seed). */
    private double[][] calibrationScores(long seed) {
        int n = Math.clamp((1L << 22) / (d + m + 1), 4096, MAX_CALIBRATION_ROWS);
        double[][] out = new double[sets][n];
        long family = RowRandom.family(seed, 4);
        RowRandom r = new RowRandom();
        Row row = newRow();
        for (int i = 0; i < n; i++) {
            drawFeatures(r.start(family, i), row); // intercepts are still 0 here
            for (int k = 0; k < sets; k++) {
                out[k][i] = row.scores[k];
            }
        }
        return out;
    }

    /** The intercept {@code b} with {@code mean(sigmoid(b + margins)) = rate}, by bisection. */
    static double binaryIntercept(double[] margins, double rate) {
        double lo = -1;
        double hi = 1;
        while (meanSigmoid(margins, lo) > rate && lo > -1e6) {
            lo *= 2;
        }
        while (meanSigmoid(margins, hi) < rate && hi < 1e6) {
            hi *= 2;
        }
        for (int it = 0; it < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(lo)); it++) {
            double mid = (lo + hi) / 2;
            if (meanSigmoid(margins, mid) < rate) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    private static double meanSigmoid(double[] margins, double b) {
        double sum = 0;
        for (double x : margins) {
            sum += RowRandom.sigmoid(b + x);
        }
        return sum / margins.length;
    }

    /** Intercepts (class 0 at 0) that make the mean softmax probabilities equal, by iterative scaling. */
    private static double[] multiclassIntercepts(double[][] scores) {
        int k = scores.length;
        int n = scores[0].length;
        double[] b = new double[k];
        double[] rate = new double[k];
        double[] p = new double[k];
        for (int it = 0; it < 500; it++) {
            java.util.Arrays.fill(rate, 0);
            for (int i = 0; i < n; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    p[c] = b[c] + scores[c][i];
                    max = Math.max(max, p[c]);
                }
                double total = 0;
                for (int c = 0; c < k; c++) {
                    p[c] = StrictMath.exp(p[c] - max);
                    total += p[c];
                }
                for (int c = 0; c < k; c++) {
                    rate[c] += p[c] / total;
                }
            }
            double worst = 0;
            for (int c = 0; c < k; c++) {
                double step = StrictMath.log((double) n / k / rate[c]);
                worst = Math.max(worst, Math.abs(step));
                b[c] += step;
            }
            double b0 = b[0];
            for (int c = 0; c < k; c++) {
                b[c] -= b0;
            }
            if (worst < 1e-9) {
                break;
            }
        }
        return b;
    }

    /** Appends rows {@code [from, from + count)} to builders already checked against the schema. */
    void fill(long from, int count, List<VectorBuilder> builders) {
        DoubleVectorBuilder[] num = new DoubleVectorBuilder[d];
        for (int j = 0; j < d; j++) {
            num[j] = (DoubleVectorBuilder) builders.get(j);
        }
        StringVectorBuilder[] cat = new StringVectorBuilder[m];
        for (int c = 0; c < m; c++) {
            cat[c] = (StringVectorBuilder) builders.get(d + c);
        }
        VectorBuilder label = builders.get(d + m);
        RowRandom r = new RowRandom();
        Row row = newRow();
        for (int i = 0; i < count; i++) {
            draw(from + i, r, row);
            for (int j = 0; j < d; j++) {
                num[j].append(row.x[j]);
            }
            for (int c = 0; c < m; c++) {
                byte[] b = levelBytes[row.level[c]];
                cat[c].append(b, 0, b.length);
            }
            if (task == Synthetic.Task.REGRESSION) {
                ((DoubleVectorBuilder) label).append(Decimals.value(row.yMicros));
            } else {
                ((IntVectorBuilder) label).append(row.label);
            }
        }
    }

    /** Formats rows {@code [from, from + count)} as CSV lines into {@code buf}; returns the bytes used. */
    int format(long from, int count, byte[] buf) {
        RowRandom r = new RowRandom();
        Row row = newRow();
        int p = 0;
        for (int i = 0; i < count; i++) {
            draw(from + i, r, row);
            for (int j = 0; j < d; j++) {
                p = Decimals.putMicros(buf, p, row.micros[j]);
                buf[p++] = ',';
            }
            for (int c = 0; c < m; c++) {
                p = Decimals.put(buf, p, levelBytes[row.level[c]]);
                buf[p++] = ',';
            }
            p = task == Synthetic.Task.REGRESSION ? Decimals.putMicros(buf, p, row.yMicros) : Decimals.putLong(buf, p, row.label);
            buf[p++] = '\n';
        }
        return p;
    }
}
