package org.spillway.ml.linear;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.spillway.ml.FeatureLayout;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.IntVector;

/**
 * One chunk's features, label and weight copied into reusable heap arrays, column by column (a
 * float64 column by one bulk copy from its off-heap vector): the unit a learner computes on.
 * Values are as stored (unscaled); codes are slot numbers, -1 for none. Holds at most one chunk's
 * rows, so its size is bounded by the session's chunk size, whatever the data's size.
 */
final class DesignBlock {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    final FeatureLayout layout;
    final List<FeatureLayout.Block> valueBlocks;
    final List<FeatureLayout.Block> codeBlocks;
    /** Coefficient position of each value block. */
    final int[] valueIndex;
    /** First position and slot count of each code block. */
    final int[] codeOffset;
    final int[] codeSize;
    final String label;
    final String weight;
    int n;
    double[][] values;
    int[][] codes;
    double[] labels;
    double[] weights; // null when unweighted

    DesignBlock(FeatureLayout layout, String label, String weight) {
        this.layout = layout;
        this.valueBlocks = layout.valueBlocks();
        this.codeBlocks = layout.codeBlocks();
        this.label = label;
        this.weight = weight;
        valueIndex = valueBlocks.stream().mapToInt(FeatureLayout.Block::offset).toArray();
        codeOffset = codeBlocks.stream().mapToInt(FeatureLayout.Block::offset).toArray();
        codeSize = codeBlocks.stream().mapToInt(FeatureLayout.Block::size).toArray();
        values = new double[valueBlocks.size()][0];
        codes = new int[codeBlocks.size()][0];
        labels = new double[0];
    }

    /** Reads all of {@code c} (whose values were validated by the training set's first pass). */
    DesignBlock read(Chunk c) {
        return bind(c).readRows(0, c.rows());
    }

    private org.spillway.spill.vector.ColumnVector[] valueVectors = new org.spillway.spill.vector.ColumnVector[0];
    private IntVector[] codeVectors = new IntVector[0];
    private org.spillway.spill.vector.ColumnVector labelVector;
    private org.spillway.spill.vector.ColumnVector weightVector;

    /** Looks up the columns of {@code c} for {@link #readRows}. */
    DesignBlock bind(Chunk c) {
        if (valueVectors.length != values.length) {
            valueVectors = new org.spillway.spill.vector.ColumnVector[values.length];
        }
        if (codeVectors.length != codes.length) {
            codeVectors = new IntVector[codes.length];
        }
        for (int j = 0; j < values.length; j++) {
            valueVectors[j] = c.column(valueBlocks.get(j).column());
        }
        for (int j = 0; j < codes.length; j++) {
            codeVectors[j] = (IntVector) c.column(codeBlocks.get(j).column());
        }
        labelVector = label == null ? null : c.column(label);
        weightVector = weight == null ? null : c.column(weight);
        return this;
    }

    /**
     * Reads rows {@code [from, from + count)} of the bound chunk into positions {@code 0..count-1}: a
     * pass reads a chunk in tiles of a few thousand rows, so that a tile's values are still in the
     * core's cache when the margins and then the gradient read them.
     */
    DesignBlock readRows(int from, int count) {
        if (labels.length < count) {
            grow(count);
        }
        n = count;
        for (int j = 0; j < values.length; j++) {
            Vectors.readDoubles(valueVectors[j], from, values[j], count);
        }
        for (int j = 0; j < codes.length; j++) {
            MemorySegment.copy(codeVectors[j].data(), INT, (long) from * Integer.BYTES, codes[j], 0, count);
        }
        if (labelVector != null) {
            Vectors.readDoubles(labelVector, from, labels, count);
        }
        if (weightVector != null) {
            Vectors.readDoubles(weightVector, from, weights, count);
        }
        return this;
    }

    private void grow(int rows) {
        int cap = Math.max(rows, labels.length * 2);
        for (int j = 0; j < values.length; j++) {
            values[j] = new double[cap];
        }
        for (int j = 0; j < codes.length; j++) {
            codes[j] = new int[cap];
        }
        labels = new double[cap];
        if (weight != null) {
            weights = new double[cap];
        }
    }

    static void readDoubles(org.spillway.spill.vector.ColumnVector v, double[] out, int rows) {
        Vectors.readDoubles(v, out, rows);
    }
}
