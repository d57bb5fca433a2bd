package org.spillway.frame.exec.pipeline;

import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.spillway.parallel.ProgressListener;

/**
 * A console progress bar (on standard error, drawn by the progressbar library) for one query. It
 * appears only once the work has run for {@link #DELAY_MILLIS} so quick queries print nothing.
 */
public final class ConsoleProgress implements ProgressListener {
    /** How long work runs before the bar appears. */
    public static final long DELAY_MILLIS = 2000;

    private final String task;
    private final String unit;
    private long start;
    private long total;
    private ProgressBar bar;

    /** A bar for {@code task} whose weights are bytes ({@code "MB"}) or rows ({@code "rows"}). */
    public ConsoleProgress(String task, String unit) {
        this.task = task;
        this.unit = unit;
    }

    @Override
    public synchronized void onStart(long totalWeight, int morsels) {
        start = System.nanoTime();
        total = totalWeight;
    }

    @Override
    public synchronized void onProgress(long doneWeight, int doneMorsels) {
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        if (bar == null && elapsedMillis >= DELAY_MILLIS && doneWeight < total) {
            ProgressBarBuilder b = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err, 100))
                    .setUpdateIntervalMillis(250)
                    .startsFrom(0, Duration.ofMillis(elapsedMillis))
                    .showSpeed();
            if (unit.equals("MB")) {
                b.setUnit(" MB", 1_000_000);
            } else {
                b.setUnit(" " + unit, 1);
            }
            bar = b.build();
        }
        if (bar != null) {
            bar.stepTo(doneWeight);
        }
    }

    @Override
    public synchronized void onFinish(boolean success) {
        if (bar != null) {
            if (success) {
                bar.stepTo(total);
            }
            bar.close();
            bar = null;
        }
    }
}
