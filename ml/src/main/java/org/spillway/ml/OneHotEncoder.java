package org.spillway.ml;

import java.util.ArrayList;
import java.util.List;
import org.spillway.frame.DataFrame;

/**
 * Learns the categories of string, integer or bool columns and encodes them one-hot, as Spark's
 * {@code StringIndexer} + {@code OneHotEncoder} together. The fitted {@link OneHotEncoderModel}
 * replaces each input column (or writes {@code outputCols}) with an int32 column of category slots
 * marked as one-hot in its metadata, which learners expand into one 0/1 feature per slot without
 * materialising them: a row costs one coefficient per encoded column, whatever the number of
 * categories.
 *
 * <p>Slots are ordered by {@code stringOrderType}: {@code "frequencyDesc"} (default, most frequent
 * first, ties by label) or {@code "alphabetAsc"} (by label; integers by value).
 * {@code handleInvalid} says what the model does with a value it did not see when fitted, and with
 * null: {@code "keep"} (default) gives them no slot, so they score as all zeros (or, with
 * {@code dropLast(false)}, a slot of their own, "__unknown__"); {@code "error"} fails naming the
 * column and value. {@code dropLast} (default true, as Spark) drops a reference slot so the
 * encoding is not collinear with the intercept: with {@code "error"} the last category; with
 * {@code "keep"} the unknown slot, so every seen category keeps its slot.
 *
 * <p>Cost of {@link #fit}: one parallel pass counting values (heap: the distinct values; more than
 * {@code maxCategories}, default 10,000, in a column is an error that suggests
 * {@link FeatureHasher}).
 */
public final class OneHotEncoder implements Estimator<OneHotEncoderModel> {
    static final String UNKNOWN = "__unknown__";
    private List<String> inputCols = List.of();
    private List<String> outputCols;
    private boolean dropLast = true;
    private String handleInvalid = "keep";
    private String stringOrderType = "frequencyDesc";
    private int maxCategories = 10_000;

    /** An encoder with no columns yet. */
    public OneHotEncoder() {
    }

    /** The columns to encode. */
    public OneHotEncoder inputCols(String... cols) {
        this.inputCols = List.of(cols);
        return this;
    }

    /** Where to write the codes (one per input); default: replace the input columns. */
    public OneHotEncoder outputCols(String... cols) {
        this.outputCols = List.of(cols);
        return this;
    }

    /** Whether to drop one reference slot per column; default true. */
    public OneHotEncoder dropLast(boolean d) {
        this.dropLast = d;
        return this;
    }

    /** {@code "keep"} (default) or {@code "error"}: what unseen values and nulls become. */
    public OneHotEncoder handleInvalid(String h) {
        if (!h.equals("keep") && !h.equals("error")) {
            throw new MlException("Parameter handleInvalid = " + h + " is invalid: it must be \"keep\" or \"error\"");
        }
        this.handleInvalid = h;
        return this;
    }

    /** {@code "frequencyDesc"} (default) or {@code "alphabetAsc"}: the order of the slots. */
    public OneHotEncoder stringOrderType(String o) {
        if (!o.equals("frequencyDesc") && !o.equals("alphabetAsc")) {
            throw new MlException("Parameter stringOrderType = " + o + " is invalid: it must be \"frequencyDesc\" or \"alphabetAsc\"");
        }
        this.stringOrderType = o;
        return this;
    }

    /** The most distinct values a column may have; default 10,000. */
    public OneHotEncoder maxCategories(int n) {
        if (n < 1) {
            throw new MlException("Parameter maxCategories = " + n + " is invalid: it must be >= 1");
        }
        this.maxCategories = n;
        return this;
    }

    @Override
    public OneHotEncoderModel fit(DataFrame frame) {
        if (inputCols.isEmpty()) {
            throw new MlException("OneHotEncoder: no inputCols(...) given");
        }
        List<String> outs = outputCols == null ? inputCols : outputCols;
        if (outs.size() != inputCols.size()) {
            throw new MlException("OneHotEncoder: " + inputCols.size() + " inputCols but " + outs.size() + " outputCols");
        }
        List<List<String>> cats = Categories.find(frame, inputCols, stringOrderType, maxCategories, "OneHotEncoder");
        List<OneHotEncoderModel.Column> cols = new ArrayList<>();
        for (int c = 0; c < inputCols.size(); c++) {
            String in = inputCols.get(c);
            boolean strings = frame.type(in) == org.spillway.spill.DataType.STRING;
            cols.add(new OneHotEncoderModel.Column(in, outs.get(c), strings, cats.get(c)));
        }
        return new OneHotEncoderModel(cols, dropLast, handleInvalid);
    }

    @Override
    public String toString() {
        return "OneHotEncoder" + inputCols;
    }
}
