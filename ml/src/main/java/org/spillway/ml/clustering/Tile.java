package org.spillway.ml.clustering;

import org.spillway.ml.linear.Vectors;
import org.spillway.spill.vector.ColumnVector;

/**
 * Up to {@value #ROWS} rows of the features, column by column in heap arrays: the unit the distance
 * kernels compute on, small enough (20 features: 20 KB) that a tile stays in the core's first-level
 * cache while every centre is compared with it. One per chunk being processed; reused within it.
 */
public final class Tile {
    /** Rows per tile. */
    public static final int ROWS = 128;

    /** Feature values: {@code x[j][i]} is feature j of row i. */
    final double[][] x;
    /** Rows held. */
    int n;
    final double[] dot = new double[ROWS];
    final double[] best = new double[ROWS];
    final int[] index = new int[ROWS];

    /** An empty tile of {@code dims} features. */
    public Tile(int dims) {
        x = new double[dims][ROWS];
    }

    /** Reads rows {@code [from, from + count)} of {@code cols} (numeric, without nulls); {@code count <= ROWS}. */
    public Tile read(ColumnVector[] cols, int from, int count) {
        for (int j = 0; j < cols.length; j++) {
            Vectors.readDoubles(cols[j], from, x[j], count);
        }
        n = count;
        return this;
    }

    /** Rows held. */
    public int rows() {
        return n;
    }

    /** Feature {@code j} of row {@code i}. */
    public double get(int i, int j) {
        return x[j][i];
    }

    /** The squared norm of row {@code i}. */
    double squaredNorm(int i) {
        double s = 0;
        for (double[] col : x) {
            s += col[i] * col[i];
        }
        return s;
    }

    /** The exact squared euclidean distance between row {@code i} and {@code c}. */
    double squaredDistance(int i, double[] c) {
        double s = 0;
        for (int j = 0; j < c.length; j++) {
            double d = x[j][i] - c[j];
            s += d * d;
        }
        return s;
    }
}
