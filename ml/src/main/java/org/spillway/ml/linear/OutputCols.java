package org.spillway.ml.linear;

/**
 * The names of the columns a model's {@code transform} adds (replacing columns of those names).
 * For K classes the margin and probability of class k go into {@code rawPrediction + "_" + k} and
 * {@code probability + "_" + k}.
 *
 * @param rawPrediction the margin (linear predictor), default {@code rawPrediction}
 * @param probability   the probability of class 1 (binary), default {@code probability}
 * @param prediction    the predicted class or value, default {@code prediction}
 */
public record OutputCols(String rawPrediction, String probability, String prediction) {
    /** The default names. */
    public static final OutputCols DEFAULT = new OutputCols("rawPrediction", "probability", "prediction");

    /** Checks the names are present and distinct. */
    public OutputCols {
        if (rawPrediction == null || probability == null || prediction == null || rawPrediction.equals(probability)
                || rawPrediction.equals(prediction) || probability.equals(prediction)) {
            throw new org.spillway.ml.MlException("Output columns must be named, and apart: " + rawPrediction + ", "
                    + probability + ", " + prediction);
        }
    }

    /** With another prediction column name. */
    public OutputCols withPrediction(String name) {
        return new OutputCols(rawPrediction, probability, name);
    }

    /** With another probability column name. */
    public OutputCols withProbability(String name) {
        return new OutputCols(rawPrediction, name, prediction);
    }

    /** With another raw prediction column name. */
    public OutputCols withRawPrediction(String name) {
        return new OutputCols(name, probability, prediction);
    }
}
