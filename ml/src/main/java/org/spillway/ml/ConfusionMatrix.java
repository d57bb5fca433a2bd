package org.spillway.ml;

import java.util.Arrays;
import java.util.Locale;

/**
 * A K x K confusion matrix: {@link #get(int, int) get(actual, predicted)} is the number of rows
 * (their total weight, when the evaluator has a weight column) whose label is {@code actual} and
 * whose prediction is {@code predicted}. For two classes, class 1 is the positive one and
 * {@link #tp()}, {@link #fp()}, {@link #tn()} and {@link #fn()} name the four cells. Immutable; a
 * few K² doubles on the heap.
 */
public final class ConfusionMatrix {
    private final int k;
    private final double[] cells; // row-major: actual * k + predicted

    /** A matrix of {@code numClasses} classes from row-major cells (copied). */
    ConfusionMatrix(int numClasses, double[] cells) {
        if (cells.length != numClasses * numClasses) {
            throw new IllegalArgumentException(cells.length + " cells for " + numClasses + " classes");
        }
        this.k = numClasses;
        this.cells = cells.clone();
    }

    /** A binary matrix from its four cells. */
    static ConfusionMatrix binary(double tp, double fp, double tn, double fn) {
        return new ConfusionMatrix(2, new double[] {tn, fp, fn, tp});
    }

    /** The number of classes K. */
    public int numClasses() {
        return k;
    }

    /** Rows (or their weight) with label {@code actual} predicted as {@code predicted}. */
    public double get(int actual, int predicted) {
        if (actual < 0 || actual >= k || predicted < 0 || predicted >= k) {
            throw new MlException("Confusion matrix cell (" + actual + ", " + predicted + ") is outside its " + k + " x " + k
                    + " classes; classes are 0.." + (k - 1));
        }
        return cells[actual * k + predicted];
    }

    /** The total of all cells: the row count (or total weight). */
    public double total() {
        double t = 0;
        for (double c : cells) {
            t += c;
        }
        return t;
    }

    /** True positives: label 1 predicted 1 (two classes only). */
    public double tp() {
        return binaryCell(1, 1, "tp");
    }

    /** False positives: label 0 predicted 1 (two classes only). */
    public double fp() {
        return binaryCell(0, 1, "fp");
    }

    /** True negatives: label 0 predicted 0 (two classes only). */
    public double tn() {
        return binaryCell(0, 0, "tn");
    }

    /** False negatives: label 1 predicted 0 (two classes only). */
    public double fn() {
        return binaryCell(1, 0, "fn");
    }

    private double binaryCell(int actual, int predicted, String name) {
        if (k != 2) {
            throw new MlException(name + "() is defined for two classes, but this matrix has " + k
                    + "; use get(actual, predicted)");
        }
        return cells[actual * 2 + predicted];
    }

    /** The cells as a new {@code double[actual][predicted]} array. */
    public double[][] toArray() {
        double[][] out = new double[k][];
        for (int a = 0; a < k; a++) {
            out[a] = Arrays.copyOfRange(cells, a * k, (a + 1) * k);
        }
        return out;
    }

    /** Prints {@link #toString()}. */
    public void show() {
        System.out.print(this);
    }

    /** A table with one row per actual class and one column per predicted class, ending in a newline. */
    @Override
    public String toString() {
        boolean integral = true;
        for (double c : cells) {
            integral &= c == Math.rint(c) && Math.abs(c) < 1e15;
        }
        String[][] text = new String[k + 1][k + 1];
        text[0][0] = "actual \\ predicted";
        for (int j = 0; j < k; j++) {
            text[0][j + 1] = Integer.toString(j);
        }
        for (int a = 0; a < k; a++) {
            text[a + 1][0] = Integer.toString(a);
            for (int p = 0; p < k; p++) {
                double c = cells[a * k + p];
                text[a + 1][p + 1] = integral ? String.format(Locale.ROOT, "%,d", (long) c) : String.format(Locale.ROOT, "%.6g", c);
            }
        }
        int[] width = new int[k + 1];
        for (String[] row : text) {
            for (int j = 0; j <= k; j++) {
                width[j] = Math.max(width[j], row[j].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : text) {
            sb.append(pad(row[0], width[0], false));
            for (int j = 1; j <= k; j++) {
                sb.append("  ").append(pad(row[j], width[j], true));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String pad(String s, int w, boolean right) {
        String fill = " ".repeat(w - s.length());
        return right ? fill + s : s + fill;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfusionMatrix m && m.k == k && Arrays.equals(m.cells, cells);
    }

    @Override
    public int hashCode() {
        return 31 * k + Arrays.hashCode(cells);
    }
}
