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

    /** Reads {@code c} (whose values were validated by the training set's first pass). */
    DesignBlock read(Chunk c) {
        int rows = c.rows();
        if (labels.length < rows) {
            grow(rows);
        }
        n = rows;
        for (int j = 0; j < values.length; j++) {
            readDoubles(c.column(valueBlocks.get(j).column()), values[j], rows);
        }
        for (int j = 0; j < codes.length; j++) {
            IntVector v = (IntVector) c.column(codeBlocks.get(j).column());
            MemorySegment.copy(v.data(), INT, 0, codes[j], 0, rows);
        }
        if (label != null) {
            readDoubles(c.column(label), labels, rows);
        }
        if (weight != null) {
            readDoubles(c.column(weight), weights, rows);
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
