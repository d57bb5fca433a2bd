package org.spillway.ml.linear;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import org.spillway.frame.ColumnNotFoundException;
import org.spillway.frame.DataFrame;
import org.spillway.ml.MlException;
import org.spillway.ml.FeatureLayout;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;

/**
 * A learner's view of its training frame: the frame collected once into the session's chunk store
 * (which spills past the memory limit; a frame that is already collected is used as it is), the
 * feature layout, and what a first parallel pass learned and checked: row count, weight sum, feature
 * means and standard deviations (for standardization), label classes or moments. Every later pass
 * streams the stored chunks again; nothing of the data stays on the heap between passes.
 *
 * <p>The first pass fails, naming the column and row, on a null feature, label or weight, a NaN or
 * infinite value, a label outside the learner's classes, or a negative weight.
 */
public final class TrainingSet implements AutoCloseable {
    /** What the label must hold. */
    public enum LabelKind {
        /** 0 or 1 (int, float or bool). */
        BINARY,
        /** Class numbers 0, 1, ..., K-1. */
        MULTICLASS,
        /** Any finite number. */
        REAL
    }

    private final DataFrame data;
    private final boolean owned;
    private final FeatureLayout layout;
    private final String label;
    private final String weight;
    private final LabelKind kind;
    private final String learner;
    private long rows;
    private double weightSum;
    private double[] mean;  // per feature position (0 for hashed positions)
    private double[] std;   // per feature position (1 for hashed positions, which are not standardized)
    private boolean[] standardizable;
    private double[] classWeight = new double[0];
    private double labelMean;
    private double labelVar;

    private TrainingSet(DataFrame data, boolean owned, FeatureLayout layout, String label, String weight, LabelKind kind,
                        String learner) {
        this.data = data;
        this.owned = owned;
        this.layout = layout;
        this.label = label;
        this.weight = weight;
        this.kind = kind;
        this.learner = learner;
    }

    /**
     * Collects (unless already collected) and checks the training data.
     *
     * @param frame    the input
     * @param label    the label column
     * @param weight   the weight column, or null
     * @param features the feature columns, or null for every column but the label and weight
     * @param kind     what the label must hold
     * @param learner  the learner's name, for messages
     */
    public static TrainingSet prepare(DataFrame frame, String label, String weight, List<String> features, LabelKind kind,
                                      String learner) {
        Schema s = frame.schema();
        requireColumn(s, label);
        if (weight != null) {
            requireColumn(s, weight);
            requireNumeric(s, weight, "weight");
        }
        requireNumeric(s, label, "label");
        List<String> cols = new ArrayList<>();
        if (features == null) {
            for (String c : s.names()) {
                if (!c.equals(label) && !c.equals(weight)) {
                    cols.add(c);
                }
            }
        } else {
            for (String c : features) {
                if (c.equals(label) || c.equals(weight)) {
                    throw new MlException(learner + ": column '" + c + "' is the label or weight and cannot also be a feature");
                }
                cols.add(c);
            }
        }
        FeatureLayout layout = FeatureLayout.of(s, cols);
        DataFrame data;
        boolean owned;
        if (frame.isCollected()) {
            data = frame;
            owned = false;
        } else {
            List<String> keep = new ArrayList<>(cols);
            keep.add(label);
            if (weight != null) {
                keep.add(weight);
            }
            data = frame.select(keep.toArray(String[]::new)).collect();
            owned = true;
        }
        TrainingSet t = new TrainingSet(data, owned, layout, label, weight, kind, learner);
        try {
            t.summarize();
        } catch (RuntimeException | Error e) {
            t.close();
            throw e;
        }
        return t;
    }

    private static void requireColumn(Schema s, String c) {
        if (c == null || !s.contains(c)) {
            throw new ColumnNotFoundException(c == null ? "(null)" : c, s.names());
        }
    }

    private static void requireNumeric(Schema s, String c, String role) {
        DataType t = s.type(s.indexOf(c));
        if (t != DataType.INT32 && t != DataType.INT64 && t != DataType.FLOAT64 && t != DataType.BOOL) {
            throw new MlException("The " + role + " column '" + c + "' is " + t + "; it must be numeric (int, float or bool)");
        }
    }

    /** The (collected) training frame. */
    public DataFrame data() {
        return data;
    }

    /** The feature layout. */
    public FeatureLayout layout() {
        return layout;
    }

    /** The label column. */
    public String label() {
        return label;
    }

    /** The weight column, or null. */
    public String weight() {
        return weight;
    }

    /** Rows. */
    public long rows() {
        return rows;
    }

    /** The sum of weights (the row count when unweighted). */
    public double weightSum() {
        return weightSum;
    }

    /** The weighted mean of each feature position (0 for hashed positions). */
    public double[] mean() {
        return mean.clone();
    }

    /** The weighted sample standard deviation of each feature position (1 for hashed positions). */
    public double[] std() {
        return std.clone();
    }

    /** True for positions standardization applies to (numeric and one-hot; hashed ones are left as they are). */
    public boolean[] standardizable() {
        return standardizable.clone();
    }

    /** The weight of each class 0..K-1 (classification). */
    public double[] classWeights() {
        return classWeight.clone();
    }

    /** The number of classes seen: the largest label plus one (classification). */
    public int numClasses() {
        return classWeight.length;
    }

    /** The label's weighted mean. */
    public double labelMean() {
        return labelMean;
    }

    /** The label's weighted sample variance. */
    public double labelVariance() {
        return labelVar;
    }

    /** A reusable reader of this set's chunks into heap arrays (one per thread). */
    DesignBlock newBlock() {
        return new DesignBlock(layout, label, weight);
    }

    /** Runs {@code map} on every chunk in parallel, passing results to {@code inOrder} in chunk order. */
    public <R> void pass(Function<Chunk, R> map, Consumer<R> inOrder) {
        data.mapChunksOrdered(map, inOrder);
    }

    /** The session's memory budget (for heap blocks a pass holds beyond one tile per worker). */
    org.spillway.spill.memory.MemoryBudget budget() {
        return data.session().budget();
    }

    /** Like {@link #pass} with the chunks in the order given (a permutation of chunk numbers). */
    public <R> void pass(int[] chunkOrder, Function<Chunk, R> map, Consumer<R> inOrder) {
        data.mapChunksOrdered(chunkOrder, map, inOrder);
    }

    /** The number of stored chunks. */
    public int chunkCount() {
        return data.chunkCount();
    }

    // ---- the first pass --------------------------------------------------------------------

    /** Per-chunk statistics; {@code problem} is the first bad value found, with its row in the chunk. */
    private static final class Part {
        int n;
        double w;
        double[] mean;
        double[] m2;
        double[] classW = new double[0];
        double labelMean;
        double labelM2;
        int problemRow = -1;
        String problem;
    }

    private void summarize() {
        List<FeatureLayout.Block> blocks = layout.blocks();
        // compact statistics slots: numeric blocks, then one-hot slots
        int slots = 0;
        int[] slotOf = new int[blocks.size()];
        for (int b = 0; b < blocks.size(); b++) {
            FeatureLayout.Block bl = blocks.get(b);
            slotOf[b] = slots;
            slots += switch (bl.kind()) {
                case NUMERIC -> 1;
                case ONEHOT -> bl.size();
                default -> 0;
            };
        }
        final int nSlots = slots;
        Part total = new Part();
        total.mean = new double[nSlots];
        total.m2 = new double[nSlots];
        long[] offset = {0};
        pass(c -> chunkStats(c, blocks, slotOf, nSlots), p -> {
            if (p.problem != null) {
                throw new MlException(String.format(Locale.ROOT, "%s: %s at row %,d (counting from 0)", learner, p.problem,
                        offset[0] + p.problemRow));
            }
            offset[0] += p.n;
            merge(total, p);
        });
        rows = offset[0];
        weightSum = total.w;
        if (rows == 0) {
            throw new MlException(learner + ": the training frame is empty");
        }
        if (!(weightSum > 0)) {
            throw new MlException(learner + ": every weight in '" + weight + "' is 0; there is nothing to learn from");
        }
        int d = layout.dimension();
        mean = new double[d];
        std = new double[d];
        standardizable = new boolean[d];
        Arrays.fill(std, 1);
        double denom = weightSum > 1 ? weightSum - 1 : weightSum;
        for (int b = 0; b < blocks.size(); b++) {
            FeatureLayout.Block bl = blocks.get(b);
            switch (bl.kind()) {
                case NUMERIC -> {
                    int s = slotOf[b];
                    mean[bl.offset()] = total.mean[s];
                    std[bl.offset()] = Math.sqrt(Math.max(0, total.m2[s] / denom));
                    standardizable[bl.offset()] = true;
                }
                case ONEHOT -> {
                    for (int k = 0; k < bl.size(); k++) {
                        int s = slotOf[b] + k;
                        mean[bl.offset() + k] = total.mean[s];
                        std[bl.offset() + k] = Math.sqrt(Math.max(0, total.m2[s] / denom));
                        standardizable[bl.offset() + k] = true;
                    }
                }
                default -> {
                }
            }
        }
        classWeight = total.classW;
        labelMean = total.labelMean;
        labelVar = total.labelM2 / denom;
        if (kind == LabelKind.BINARY || kind == LabelKind.MULTICLASS) {
            int seen = 0;
            for (double cw : classWeight) {
                seen += cw > 0 ? 1 : 0;
            }
            if (classWeight.length < 2 || seen < 2) {
                throw new MlException(learner + ": the label '" + label + "' holds only class " + (classWeight.length - 1)
                        + " in " + String.format(Locale.ROOT, "%,d", rows) + " rows; a classifier needs at least two classes");
            }
        }
    }

    private Part chunkStats(Chunk c, List<FeatureLayout.Block> blocks, int[] slotOf, int nSlots) {
        Part p = new Part();
        int n = c.rows();
        p.n = n;
        p.mean = new double[nSlots];
        p.m2 = new double[nSlots];
        double[] w = new double[n];
        if (weight != null) {
            ColumnVector wv = c.column(weight);
            DesignBlock.readDoubles(wv, w, n);
            for (int i = 0; i < n; i++) {
                if (wv.isNull(i) || !(w[i] >= 0) || Double.isInfinite(w[i])) {
                    return problem(p, i, "the weight column '" + weight + "' holds "
                            + (wv.isNull(i) ? "null" : Double.toString(w[i])) + "; weights must be finite and not negative");
                }
            }
        } else {
            Arrays.fill(w, 1);
        }
        double ws = 0;
        for (int i = 0; i < n; i++) {
            ws += w[i];
        }
        p.w = ws;
        // label
        ColumnVector lv = c.column(label);
        double[] y = new double[n];
        DesignBlock.readDoubles(lv, y, n);
        for (int i = 0; i < n; i++) {
            if (lv.isNull(i)) {
                return problem(p, i, "the label column '" + label + "' holds null; drop those rows first (filter(col(\""
                        + label + "\").isNotNull()))");
            }
            double v = y[i];
            switch (kind) {
                case BINARY -> {
                    if (v != 0 && v != 1) {
                        return problem(p, i, "the label column '" + label + "' holds " + v + ", but a binary classifier needs 0 or 1");
                    }
                }
                case MULTICLASS -> {
                    if (!(v >= 0) || v != Math.rint(v) || v >= 1 << 20) {
                        return problem(p, i, "the label column '" + label + "' holds " + v
                                + ", but classes must be numbered 0, 1, 2, ... (integers below 2^20)");
                    }
                }
                case REAL -> {
                    if (!Double.isFinite(v)) {
                        return problem(p, i, "the label column '" + label + "' holds " + v + "; labels must be finite");
                    }
                }
            }
        }
        if (kind == LabelKind.REAL) {
            double[] mm = weightedMoments(y, w, n);
            p.labelMean = mm[0];
            p.labelM2 = mm[1];
        } else {
            int max = -1;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, (int) y[i]);
            }
            p.classW = new double[max + 1];
            for (int i = 0; i < n; i++) {
                p.classW[(int) y[i]] += w[i];
            }
        }
        // features
        double[] x = new double[n];
        for (int b = 0; b < blocks.size(); b++) {
            FeatureLayout.Block bl = blocks.get(b);
            ColumnVector v = c.column(bl.column());
            if (v.hasNulls()) {
                for (int i = 0; i < n; i++) {
                    if (v.isNull(i)) {
                        return problem(p, i, "the feature column '" + bl.column() + "' holds null; fill it with an Imputer, "
                                + "drop those rows, or leave the column out with featuresCols(...)");
                    }
                }
            }
            if (bl.isValue()) {
                DesignBlock.readDoubles(v, x, n);
                if (v instanceof DoubleVector) {
                    for (int i = 0; i < n; i++) {
                        if (!Double.isFinite(x[i])) {
                            return problem(p, i, "the feature column '" + bl.column() + "' holds " + x[i]
                                    + "; features must be finite (replace or filter such values first)");
                        }
                    }
                }
                if (bl.kind() == FeatureLayout.Kind.NUMERIC) {
                    int s = slotOf[b];
                    double[] mm = weightedMoments(x, w, n);
                    p.mean[s] = mm[0];
                    p.m2[s] = mm[1];
                }
            } else {
                org.spillway.spill.vector.IntVector iv = (org.spillway.spill.vector.IntVector) v;
                int size = bl.size();
                boolean onehot = bl.kind() == FeatureLayout.Kind.ONEHOT;
                double[] cnt = onehot ? new double[size] : null;
                for (int i = 0; i < n; i++) {
                    int code = iv.get(i);
                    if (code < -1 || code >= size) {
                        return problem(p, i, "the encoded column '" + bl.column() + "' holds slot " + code + " outside [-1, "
                                + size + "); it was not produced by this column's encoder");
                    }
                    if (onehot && code >= 0) {
                        cnt[code] += w[i];
                    }
                }
                if (onehot) {
                    for (int k = 0; k < size; k++) {
                        int s = slotOf[b] + k;
                        double m = ws > 0 ? cnt[k] / ws : 0;
                        p.mean[s] = m;
                        // sum of w (x - m)^2 for a 0/1 x
                        p.m2[s] = cnt[k] * (1 - m) * (1 - m) + (ws - cnt[k]) * m * m;
                    }
                }
            }
        }
        return p;
    }

    /**
     * The weighted mean and sum of squared deviations of {@code v[0..n)} under weights {@code w} (a
     * weight of 0 leaves a row out), by West's weighted update of Welford's, so a large mean loses no
     * digits of the spread: {@code {mean, m2}}.
     */
    private static double[] weightedMoments(double[] v, double[] w, int n) {
        double wsum = 0;
        double m = 0;
        double m2 = 0;
        for (int i = 0; i < n; i++) {
            if (w[i] == 0) {
                continue;
            }
            wsum += w[i];
            double delta = v[i] - m;
            m += w[i] * delta / wsum;
            m2 += w[i] * delta * (v[i] - m);
        }
        return new double[] {m, m2};
    }

    private static Part problem(Part p, int row, String message) {
        p.problemRow = row;
        p.problem = message;
        return p;
    }

    /** Chan et al.'s pairwise combination of weighted means and squared deviations, in chunk order. */
    private static void merge(Part t, Part p) {
        double w = t.w + p.w;
        if (p.w > 0) {
            for (int s = 0; s < t.mean.length; s++) {
                double delta = p.mean[s] - t.mean[s];
                t.mean[s] += delta * p.w / w;
                t.m2[s] += p.m2[s] + delta * delta * t.w * p.w / w;
            }
            double delta = p.labelMean - t.labelMean;
            t.labelMean += delta * p.w / w;
            t.labelM2 += p.labelM2 + delta * delta * t.w * p.w / w;
        }
        t.w = w;
        if (p.classW.length > t.classW.length) {
            t.classW = Arrays.copyOf(t.classW, p.classW.length);
        }
        for (int k = 0; k < p.classW.length; k++) {
            t.classW[k] += p.classW[k];
        }
    }

    /** Frees the collected copy, if this set made one. */
    @Override
    public void close() {
        if (owned) {
            data.unpersist();
        }
    }
}
