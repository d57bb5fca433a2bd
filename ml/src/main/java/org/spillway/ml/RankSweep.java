package org.spillway.ml;

import java.util.Arrays;

/**
 * The serial sweep over the distinct scores in descending order that gives the exact ROC and PR
 * areas and a bounded sample of the curves. Fed one (score, positive weight, negative weight) group
 * at a time; equal adjacent scores are merged (so -0.0 and 0.0, or groups split across chunks, are
 * one threshold). Each threshold's negatives are credited with the positives ranked above them plus
 * half of those tied with them: the Mann-Whitney statistic, which equals the trapezoidal area under
 * the ROC curve.
 *
 * <p>Curve points are kept only when the curve has moved at least 1/{@code resolution} of the
 * positives or negatives since the last kept point (plus the first and the last point), so at most
 * about {@code 2 * resolution + 2} points are held whatever the number of distinct scores.
 */
final class RankSweep {
    private final double stepPos;
    private final double stepNeg;

    private boolean pending;
    private double pendScore;
    private double pendPos;
    private double pendNeg;

    private double cumPos;
    private double cumNeg;
    private double rocArea;
    private double prArea;
    private double prevPrecision = Double.NaN;
    private long thresholds;

    private double[] keptPos = new double[64];
    private double[] keptNeg = new double[64];
    private double[] keptThreshold = new double[64];
    private int kept;
    private boolean candidate;
    private double candPos;
    private double candNeg;
    private double candThreshold;

    /** A sweep sampling the curves at {@code resolution}, given the (estimated) total positive and negative weights. */
    RankSweep(double positives, double negatives, int resolution) {
        this.stepPos = positives > 0 ? positives / resolution : Double.POSITIVE_INFINITY;
        this.stepNeg = negatives > 0 ? negatives / resolution : Double.POSITIVE_INFINITY;
    }

    /** The next group, in descending score order. */
    void accept(double score, double pos, double neg) {
        if (pos == 0 && neg == 0) {
            return; // only zero-weight rows: no threshold
        }
        if (pending && score == pendScore) {
            pendPos += pos;
            pendNeg += neg;
            return;
        }
        flush();
        pending = true;
        pendScore = score;
        pendPos = pos;
        pendNeg = neg;
    }

    private void flush() {
        if (!pending) {
            return;
        }
        pending = false;
        thresholds++;
        rocArea += pendNeg * (cumPos + pendPos / 2);
        double p = cumPos + pendPos;
        double n = cumNeg + pendNeg;
        double precision = p / (p + n);
        if (Double.isNaN(prevPrecision)) {
            prevPrecision = precision; // the curve starts at (0, first precision), as Spark's
        }
        prArea += pendPos * (precision + prevPrecision) / 2;
        prevPrecision = precision;
        cumPos = p;
        cumNeg = n;
        if (kept == 0 || p - keptPos[kept - 1] >= stepPos || n - keptNeg[kept - 1] >= stepNeg) {
            keep(p, n, pendScore);
            candidate = false;
        } else {
            candidate = true;
            candPos = p;
            candNeg = n;
            candThreshold = pendScore;
        }
    }

    private void keep(double p, double n, double threshold) {
        if (kept == keptPos.length) {
            keptPos = Arrays.copyOf(keptPos, kept * 2);
            keptNeg = Arrays.copyOf(keptNeg, kept * 2);
            keptThreshold = Arrays.copyOf(keptThreshold, kept * 2);
        }
        keptPos[kept] = p;
        keptNeg[kept] = n;
        keptThreshold[kept] = threshold;
        kept++;
    }

    /** Ends the sweep: the last group is counted and the last point kept. */
    void finish() {
        flush();
        if (candidate) {
            keep(candPos, candNeg, candThreshold);
            candidate = false;
        }
    }

    /** The total positive weight swept. */
    double positives() {
        return cumPos;
    }

    /** The total negative weight swept. */
    double negatives() {
        return cumNeg;
    }

    /** The number of distinct scores (with non-zero weight). */
    long thresholds() {
        return thresholds;
    }

    /** The exact area under the ROC curve (NaN without both classes). */
    double auc() {
        return cumPos > 0 && cumNeg > 0 ? rocArea / cumPos / cumNeg : Double.NaN;
    }

    /** The area under the PR curve (NaN without positives). */
    double prAuc() {
        return cumPos > 0 ? prArea / cumPos : Double.NaN;
    }

    /** Cumulative positive weight at each kept point. */
    double[] keptPositives() {
        return Arrays.copyOf(keptPos, kept);
    }

    /** Cumulative negative weight at each kept point. */
    double[] keptNegatives() {
        return Arrays.copyOf(keptNeg, kept);
    }

    /** The threshold (score) of each kept point. */
    double[] keptThresholds() {
        return Arrays.copyOf(keptThreshold, kept);
    }
}
