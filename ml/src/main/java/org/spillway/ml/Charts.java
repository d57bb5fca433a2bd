package org.spillway.ml;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG charts of evaluation results, drawn with XChart without a display ({@code java.awt.headless}
 * is set to true unless the application chose otherwise before): the ROC and precision-recall
 * curves of {@link BinaryMetrics}, and a learner's objective per iteration. Each file is written to
 * a temporary sibling and renamed, so a failed write never leaves a half-written image. Costs a
 * {@code width x height} image on the heap while drawing.
 */
public final class Charts {
    /** The default width in pixels. */
    public static final int WIDTH = 800;
    /** The default height in pixels. */
    public static final int HEIGHT = 600;
    private static final int CURVE_POINTS = 1000;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts() {
    }

    /** {@link #rocCurve(BinaryMetrics, Path, int, int)} at {@value #WIDTH} x {@value #HEIGHT}. */
    public static void rocCurve(BinaryMetrics metrics, Path png) {
        rocCurve(metrics, png, WIDTH, HEIGHT);
    }

    /**
     * Draws the ROC curve (true against false positive rate) with the diagonal of a random
     * classifier and the AUC in the title, as a {@code width x height} PNG.
     *
     * @throws MlException if the metrics have no curve (one class only) or the file cannot be written
     */
    public static void rocCurve(BinaryMetrics metrics, Path png, int width, int height) {
        checkSize(width, height);
        List<RocPoint> pts = metrics.rocCurve(CURVE_POINTS);
        if (pts.isEmpty()) {
            throw new MlException("Cannot draw a ROC curve: the evaluated frame did not hold both classes ("
                    + EvalColumns.count(metrics.positives()) + " positives, " + EvalColumns.count(metrics.negatives())
                    + " negatives)");
        }
        XYChart chart = new XYChartBuilder().width(width).height(height)
                .title(String.format(Locale.ROOT, "ROC curve (AUC = %.4f)", metrics.auc()))
                .xAxisTitle("False positive rate").yAxisTitle("True positive rate").build();
        drawCurve(chart, Styler.LegendPosition.InsideSE, pts, RocPoint::fpr, RocPoint::tpr, 0, 1, png);
    }

    /** {@link #prCurve(BinaryMetrics, Path, int, int)} at {@value #WIDTH} x {@value #HEIGHT}. */
    public static void prCurve(BinaryMetrics metrics, Path png) {
        prCurve(metrics, png, WIDTH, HEIGHT);
    }

    /**
     * Draws the precision-recall curve with the positive rate (the precision of a random
     * classifier) as a horizontal line and the area in the title, as a {@code width x height} PNG.
     *
     * @throws MlException if the metrics have no curve (no positives) or the file cannot be written
     */
    public static void prCurve(BinaryMetrics metrics, Path png, int width, int height) {
        checkSize(width, height);
        List<PrPoint> pts = metrics.prCurve(CURVE_POINTS);
        if (pts.isEmpty()) {
            throw new MlException("Cannot draw a precision-recall curve: the evaluated frame had no positives");
        }
        double base = metrics.positiveWeight() / metrics.totalWeight();
        XYChart chart = new XYChartBuilder().width(width).height(height)
                .title(String.format(Locale.ROOT, "Precision-recall curve (area = %.4f)", metrics.prAuc()))
                .xAxisTitle("Recall").yAxisTitle("Precision").build();
        drawCurve(chart, Styler.LegendPosition.InsideSW, pts, PrPoint::recall, PrPoint::precision, base, base, png);
    }

    /** {@link #lossCurve(double[], Path, int, int)} at {@value #WIDTH} x {@value #HEIGHT}. */
    public static void lossCurve(double[] objectivePerIteration, Path png) {
        lossCurve(objectivePerIteration, png, WIDTH, HEIGHT);
    }

    /**
     * Draws a learner's objective (loss) against the iteration number (from 1), as a
     * {@code width x height} PNG. The y axis is logarithmic when every value is positive and they
     * span at least a factor of ten, so the slow tail of a converging run stays visible.
     *
     * @throws MlException if there is no value, a value is not finite, or the file cannot be written
     */
    public static void lossCurve(double[] objectivePerIteration, Path png, int width, int height) {
        checkSize(width, height);
        if (objectivePerIteration == null || objectivePerIteration.length == 0) {
            throw new MlException("Cannot draw a loss curve of no iterations: pass the objective of at least one");
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double[] x = new double[objectivePerIteration.length];
        for (int i = 0; i < x.length; i++) {
            double v = objectivePerIteration[i];
            if (!Double.isFinite(v)) {
                throw new MlException("Cannot draw the loss curve: the objective of iteration " + (i + 1) + " is " + v
                        + "; the learner diverged (try a smaller step or more regularization)");
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
            x[i] = i + 1;
        }
        XYChart chart = new XYChartBuilder().width(width).height(height).title("Objective per iteration")
                .xAxisTitle("Iteration").yAxisTitle("Objective").build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setYAxisLogarithmic(min > 0 && max / min >= 10);
        chart.getStyler().setYAxisLogarithmicDecadeOnly(false); // label 2, 3, 5 ... too: a loss rarely spans many decades
        chart.getStyler().setXAxisDecimalPattern("#");
        XYSeries s = chart.addSeries("objective", x, objectivePerIteration.clone());
        s.setLineStyle(SeriesLines.SOLID);
        s.setMarker(x.length <= 50 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        write(chart, png);
    }

    /** {@link #trials(TuneResults, Path, int, int)} at {@value #WIDTH} x {@value #HEIGHT}. */
    public static void trials(TuneResults results, Path png) {
        trials(results, png, WIDTH, HEIGHT);
    }

    /**
     * Draws a hyperparameter search's validation metric against the iteration, one line per trial
     * (trials stopped early end early; the best trial is drawn thicker and named in the legend), as a
     * {@code width x height} PNG. Non-finite values and failed trials are left out.
     *
     * @throws MlException if no trial reported a finite metric, or the file cannot be written
     */
    public static void trials(TuneResults results, Path png, int width, int height) {
        checkSize(width, height);
        int bestId = -1;
        try {
            bestId = results.best().trial().id();
        } catch (MlException e) {
            // no best trial: drawn without highlighting (and rejected below if nothing is finite)
        }
        XYChart chart = new XYChartBuilder().width(width).height(height)
                .title(results.metricName() + " per iteration, " + results.trials().size() + " trials")
                .xAxisTitle("Iteration").yAxisTitle(results.metricName()).build();
        chart.getStyler().setLegendVisible(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setXAxisDecimalPattern("#");
        int drawn = 0;
        for (TuneResults.Trial t : results.trials()) {
            List<Double> h = t.history();
            double[] x = new double[h.size()];
            double[] y = new double[h.size()];
            int n = 0;
            for (int i = 0; i < h.size(); i++) {
                if (Double.isFinite(h.get(i))) {
                    x[n] = i + 1;
                    y[n++] = h.get(i);
                }
            }
            if (n == 0) {
                continue;
            }
            boolean best = t.id() == bestId;
            XYSeries s = chart.addSeries((best ? "best: trial " : "trial ") + t.id(), java.util.Arrays.copyOf(x, n),
                    java.util.Arrays.copyOf(y, n));
            s.setLineStyle(new java.awt.BasicStroke(best ? 3f : 1f));
            s.setMarker(n == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            s.setShowInLegend(best);
            drawn++;
        }
        if (drawn == 0) {
            throw new MlException("Cannot draw the trials: none reported a finite " + results.metricName());
        }
        write(chart, png);
    }

    /**
     * Draws a curve of {@code pts} on the unit square with the line of a random classifier, from
     * (0, {@code random0}) to (1, {@code random1}), and writes the chart to {@code png}.
     */
    private static <P> void drawCurve(XYChart chart, Styler.LegendPosition legend, List<P> pts, ToDoubleFunction<P> xOf,
            ToDoubleFunction<P> yOf, double random0, double random1, Path png) {
        double[] x = new double[pts.size()];
        double[] y = new double[pts.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = xOf.applyAsDouble(pts.get(i));
            y[i] = yOf.applyAsDouble(pts.get(i));
        }
        unitSquare(chart, legend);
        line(chart.addSeries("model", x, y), SeriesLines.SOLID);
        line(chart.addSeries("random", new double[] {0, 1}, new double[] {random0, random1}), SeriesLines.DASH_DASH);
        write(chart, png);
    }

    private static void unitSquare(XYChart chart, Styler.LegendPosition legend) {
        chart.getStyler().setLegendPosition(legend);
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisMax(1.0);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
    }

    private static void line(XYSeries s, java.awt.BasicStroke stroke) {
        s.setLineStyle(stroke);
        s.setMarker(SeriesMarkers.NONE);
    }

    private static void checkSize(int width, int height) {
        if (width < 50 || height < 50 || width > 10_000 || height > 10_000) {
            throw new MlException("A chart's size must be between 50 and 10000 pixels each way, got " + width + " x " + height);
        }
    }

    /** Renders the chart to PNG bytes and writes them to a temporary sibling of {@code png}, then renames it. */
    private static void write(XYChart chart, Path png) {
        Path abs = png.toAbsolutePath();
        Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            byte[] bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write failed already; the message below says so
            }
            throw new MlException("Cannot write the chart " + abs + ": " + e, e);
        }
    }
}
