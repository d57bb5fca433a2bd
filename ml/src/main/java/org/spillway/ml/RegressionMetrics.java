package org.spillway.ml;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The metrics of a regression model, from {@link RegressionEvaluator#evaluate}; with a weight
 * column, every mean is a weighted mean. With residuals r = label - prediction:
 * <ul>
 *   <li>{@link #mse()} = mean(r²), {@link #rmse()} = its square root, {@link #mae()} = mean(|r|);</li>
 *   <li>{@link #r2()} = 1 - Σ r² / Σ (label - mean label)², NaN when every label is equal;</li>
 *   <li>{@link #explainedVariance()} = 1 - var(r) / var(label) (scikit-learn's
 *       {@code explained_variance_score}), NaN when every label is equal.</li>
 * </ul>
 */
public final class RegressionMetrics extends CountedMetrics {
    private final double labelMean;
    private final double labelM2;
    private final double residualMean;
    private final double residualM2;
    private final double sumSquares;
    private final double sumAbs;

    RegressionMetrics(long count, double totalWeight, boolean weighted, double labelMean, double labelM2, double residualMean,
            double residualM2, double sumSquares, double sumAbs) {
        super(count, totalWeight, weighted);
        this.labelMean = labelMean;
        this.labelM2 = labelM2;
        this.residualMean = residualMean;
        this.residualM2 = residualM2;
        this.sumSquares = sumSquares;
        this.sumAbs = sumAbs;
    }

    /** The mean squared error. */
    public double mse() {
        return sumSquares / totalWeight();
    }

    /** The root mean squared error. */
    public double rmse() {
        return Math.sqrt(mse());
    }

    /** The mean absolute error. */
    public double mae() {
        return sumAbs / totalWeight();
    }

    /** The coefficient of determination (NaN when the labels do not vary). */
    public double r2() {
        return labelM2 > 0 ? 1 - sumSquares / labelM2 : Double.NaN;
    }

    /** The explained variance, 1 - var(residual) / var(label) (NaN when the labels do not vary). */
    public double explainedVariance() {
        return labelM2 > 0 ? 1 - residualM2 / labelM2 : Double.NaN;
    }

    /** The (weighted) mean of the labels. */
    public double labelMean() {
        return labelMean;
    }

    /** The (weighted) mean residual, label - prediction: the bias of the predictions, negated. */
    public double meanResidual() {
        return residualMean;
    }

    /** {@code rmse}, {@code mse}, {@code mae}, {@code r2}, {@code explainedVariance}, {@code count}, {@code totalWeight}, in this order. */
    @Override
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("rmse", rmse());
        m.put("mse", mse());
        m.put("mae", mae());
        m.put("r2", r2());
        m.put("explainedVariance", explainedVariance());
        return withCounts(m);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "RegressionMetrics[rows=%,d, rmse=%.6g, mse=%.6g, mae=%.6g, r2=%.6f, explainedVariance=%.6f]",
                count(), rmse(), mse(), mae(), r2(), explainedVariance());
    }
}
