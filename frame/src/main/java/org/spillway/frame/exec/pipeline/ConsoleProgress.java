package org.spillway.frame.exec.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.spillway.parallel.ProgressListener;

/**
 * The progress of one stage of a query (a scan, a merge) on standard error, once the stage has run for
 * {@link #DELAY_MILLIS}, so quick stages print nothing. The rate and the time left come from
 * {@link ProgressMeter}: weight done over wall time since the stage started, the time left only once
 * it means something.
 *
 * <ul>
 *   <li>On a terminal ({@link #stderrIsTerminal()}): a bar redrawn in place, drawn by the progressbar
 *       library ({@code task 58% [=====>    ] 134/230 MB (0:00:04) 33.5 MB/s, ETA 0:00:03}).</li>
 *   <li>Otherwise (a file, a pipe, CI logs): plain lines, no {@code \r}: one when the stage ends
 *       ({@code task: 230/230 MB (100%) in 0:00:06, 38.3 MB/s}) and, for long stages, one every
 *       {@link #PLAIN_INTERVAL_MILLIS} while it runs.</li>
 * </ul>
 */
public final class ConsoleProgress implements ProgressListener {
    /** How long work runs before anything is shown. */
    public static final long DELAY_MILLIS = 2000;
    /** When standard error is not a terminal: the time between lines while a stage runs. */
    public static final long PLAIN_INTERVAL_MILLIS = 10_000;

    private final String task;
    private final String unit;
    private final ProgressMeter meter;
    private final LongSupplier clock;
    private final PrintStream out;
    private final boolean terminal;
    private long lastLineNanos;
    private boolean started;
    private ProgressBar bar;

    /** A bar on standard error for {@code task} whose weights are bytes ({@code "MB"}) or counts ({@code "rows"}, ...). */
    public ConsoleProgress(String task, String unit) {
        this(task, unit, System::nanoTime, System.err, stderrIsTerminal());
    }

    /** For tests: the clock (nanoseconds), where to print, and whether that is a terminal. */
    ConsoleProgress(String task, String unit, LongSupplier clock, PrintStream out, boolean terminal) {
        this.task = task;
        this.unit = unit;
        this.clock = clock;
        this.meter = new ProgressMeter(clock, unit);
        this.out = out;
        this.terminal = terminal;
    }

    /**
     * Whether standard error is a terminal: {@link System#console()} is a terminal and, where
     * {@code /proc/self/fd/2} exists (Linux), it links to a terminal device ({@code /dev/pts/N},
     * {@code /dev/ttyN}), so {@code 2> file} counts as no terminal even when standard output is one.
     */
    public static boolean stderrIsTerminal() {
        if (System.console() == null || !System.console().isTerminal()) {
            return false;
        }
        Path fd2 = Path.of("/proc/self/fd/2");
        try {
            String target = Files.readSymbolicLink(fd2).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return true;  // no /proc: the console's answer stands
        }
    }

    @Override
    public synchronized void onStart(long totalWeight, int morsels) {
        meter.start(totalWeight);
        lastLineNanos = clock.getAsLong();
        started = false;
        closeBar(false);
    }

    @Override
    public synchronized void onProgress(long doneWeight, int doneMorsels) {
        meter.update(doneWeight);
        long elapsed = meter.elapsedNanos();
        if (elapsed < DELAY_MILLIS * 1_000_000L) {
            return;
        }
        started = true;
        if (terminal) {
            if (bar == null && doneWeight < meter.total()) {
                bar = newBar(doneWeight, elapsed);
            }
            if (bar != null) {
                bar.stepTo(doneWeight);
                bar.setExtraMessage(meter.rateAndEtaText());
            }
        } else if (clock.getAsLong() - lastLineNanos >= PLAIN_INTERVAL_MILLIS * 1_000_000L && doneWeight < meter.total()) {
            lastLineNanos = clock.getAsLong();
            out.println(task + ": " + meter.amountText() + ", " + meter.elapsedText() + " so far, " + meter.rateAndEtaText());
            out.flush();
        }
    }

    private ProgressBar newBar(long doneWeight, long elapsedNanos) {
        // The bar starts from the weight already done and the time already spent, so its clock shows the
        // stage's time; its own rate and ETA are hidden (the library divides by whole seconds since the bar
        // appeared, which showed the rate about 3x too high) and the meter's are shown instead.
        ProgressBarBuilder b = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(meter.total())
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(out, 110))
                .setUpdateIntervalMillis(250)
                .startsFrom(doneWeight, Duration.ofNanos(elapsedNanos))
                .hideEta();
        if (unit.equals("MB")) {
            b.setUnit(" MB", 1_000_000);
        } else {
            b.setUnit(" " + unit, 1);
        }
        return b.build();
    }

    @Override
    public synchronized void onFinish(boolean success) {
        if (success) {
            meter.update(meter.total());
        }
        boolean shown = started || meter.elapsedNanos() >= DELAY_MILLIS * 1_000_000L;
        if (terminal) {
            closeBar(success);
        } else if (shown) {
            out.println(task + ": " + meter.amountText() + (success ? " in " : ", failed after ") + meter.elapsedText() + ", "
                    + meter.rateText());
            out.flush();
        }
        started = false;
    }

    private void closeBar(boolean success) {
        if (bar != null) {
            if (success) {
                bar.stepTo(meter.total());
                bar.setExtraMessage(meter.rateText());
            }
            bar.close();
            bar = null;
        }
    }
}
