package org.spillway.ml.tune;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.spillway.ml.MlException;
import org.spillway.spill.memory.BudgetExceededException;

/**
 * Runs trials, up to {@code maxConcurrent} at once on virtual threads, in lock-step ticks so that a
 * run is reproducible for a given concurrency: in each tick every running trial either reports one
 * iteration's metric or finishes; when all have, the tick is resolved under one lock, the reports in
 * trial order (the {@link Rule} decides each), then the finishes in trial order (each recorded and
 * checkpointed), then free slots are given to the next trials in trial order. The order of decisions
 * is thus a function of the trials' metrics alone, never of thread timing. The price is that a tick
 * lasts as long as its slowest iteration; trials of one search have similar iterations.
 *
 * <p>The chunk work of each trial runs on the session's pool, which the running trials share. A
 * trial that fails with a {@link BudgetExceededException} while others run is put back at the head
 * of the queue and the concurrency is lowered by one for the rest of the run (so it waits for memory
 * rather than failing the run); alone, it is an ERROR like any other exception.
 */
public final class TrialRunner {
    /** What a trial does, given its context. */
    @FunctionalInterface
    public interface Body {
        /** Runs trial {@code ctx}: reports per iteration through {@link Context#report}, returns its model. */
        Object run(Context ctx) throws Exception;
    }

    /**
     * Told of each finished trial (under the runner's lock, in the deterministic order): first
     * {@link #completed}, then, with a checkpoint, the record is appended to it and
     * {@link #checkpointed} is called. So whatever {@code completed} stores for a trial (its model) is
     * on disk before the trial's record, and a kill between the two only runs the trial again.
     */
    @FunctionalInterface
    public interface Completion {
        /** Trial {@code r} finished with {@code model} (null on error); {@code best} if it is now the best trial. */
        void completed(TrialRecord r, Object model, boolean best);

        /** Trial {@code r}'s record is in the checkpoint; {@code best} as for {@link #completed}. */
        default void checkpointed(TrialRecord r, boolean best) {
        }
    }

    /** A running trial's view of the runner. */
    public final class Context {
        private final int id;
        private final Map<String, Object> params;
        private final List<Double> history = new ArrayList<>();
        private Rule.Decision last = Rule.Decision.CONTINUE;

        private Context(int id, Map<String, Object> params) {
            this.id = id;
            this.params = params;
        }

        /** The trial's number. */
        public int id() {
            return id;
        }

        /** Its parameters. */
        public Map<String, Object> params() {
            return params;
        }

        /** The iterations reported so far. */
        public int reported() {
            synchronized (TrialRunner.this) {
                return history.size();
            }
        }

        /**
         * Reports the metric after iteration {@code iteration} and waits for the tick to resolve.
         *
         * @return true to go on, false to stop (early, at maxT, or because the run was interrupted)
         */
        public boolean report(int iteration, double metric) {
            return TrialRunner.this.report(this, iteration, metric);
        }
    }

    private final Rule rule;
    private final boolean largerIsBetter;
    private final String metricName;
    private int maxConcurrent;
    private final Deque<Integer> queue = new ArrayDeque<>();
    private final Map<Integer, Map<String, Object>> params;
    private final Map<Integer, Context> active = new TreeMap<>();
    private final Map<Integer, Double> reports = new HashMap<>();
    private final Map<Integer, Object[]> finishes = new HashMap<>();
    private final Map<Integer, Rule.Decision> decisions = new HashMap<>();
    private final List<TrialRecord> done = new ArrayList<>();
    private final Checkpoint checkpoint;
    private final Completion completion;
    private final PrintStream progress;
    private Body body;
    private long tick;
    private boolean aborted;
    private int peakActive;
    private TrialRecord best;
    private long started;
    private long lastLine;

    /**
     * A runner.
     *
     * @param rule           the early-stopping rule (fresh, or replayed with the finished trials' reports)
     * @param largerIsBetter whether a larger metric is better
     * @param metricName     the metric's name, for progress lines
     * @param trials         every trial's parameters by id
     * @param finished       trials already finished (from a checkpoint): not run again
     * @param maxConcurrent  the most trials at once
     * @param checkpoint     where to append finished trials, or null
     * @param completion     told of each finished trial
     * @param progress       where to print progress lines (every two seconds and at the end), or null
     */
    public TrialRunner(Rule rule, boolean largerIsBetter, String metricName, List<Map<String, Object>> trials, List<TrialRecord> finished,
                       int maxConcurrent, Checkpoint checkpoint, Completion completion, PrintStream progress) {
        if (maxConcurrent < 1) {
            throw new MlException("Parameter maxConcurrentTrials = " + maxConcurrent + " is invalid: it must be >= 1");
        }
        this.rule = rule;
        this.largerIsBetter = largerIsBetter;
        this.metricName = metricName;
        this.maxConcurrent = maxConcurrent;
        this.checkpoint = checkpoint;
        this.completion = completion;
        this.progress = progress;
        this.params = new HashMap<>();
        TreeSet<Integer> skip = new TreeSet<>();
        for (TrialRecord r : finished) {
            skip.add(r.id());
            done.add(r);
            for (int i = 0; i < r.history().size(); i++) {
                rule.onReport(r.id(), i + 1, score(r.history().get(i)));
            }
            if (isBetter(r, best)) {
                best = r;
            }
        }
        for (int i = 0; i < trials.size(); i++) {
            params.put(i, trials.get(i));
            if (!skip.contains(i)) {
                queue.add(i);
            }
        }
    }

    /** The score the rule sees: larger is better, NaN is worst. */
    private double score(double metric) {
        if (Double.isNaN(metric)) {
            return Double.NEGATIVE_INFINITY;
        }
        return largerIsBetter ? metric : -metric;
    }

    private boolean isBetter(TrialRecord r, TrialRecord than) {
        if (r.status() == TrialRecord.Status.ERROR || Double.isNaN(r.metric())) {
            return false;
        }
        if (than == null) {
            return true;
        }
        double a = score(r.metric());
        double b = score(than.metric());
        return a > b || a == b && r.id() < than.id(); // ties go to the lower trial number, whatever the finishing order
    }

    /** Runs the queued trials with {@code body}; returns every finished trial (restored ones included), in trial order. */
    public List<TrialRecord> run(Body trialBody) {
        this.body = trialBody;
        started = System.nanoTime();
        synchronized (this) {
            fill();
            try {
                while (!active.isEmpty()) {
                    wait(1000);
                    line(false);
                }
            } catch (InterruptedException e) {
                aborted = true;
                notifyAll();
                while (!active.isEmpty()) {
                    try {
                        wait();
                    } catch (InterruptedException again) {
                        // keep waiting for the trials to wind down; the interrupt is restored below
                    }
                }
                Thread.currentThread().interrupt();
                throw new MlException("The search was interrupted after " + done.size() + " of " + params.size() + " trials"
                        + (checkpoint == null ? "" : "; resume it with Tuner.restore(\"" + checkpoint.dir() + "\", ...)"));
            }
            line(true);
            List<TrialRecord> out = new ArrayList<>(done);
            out.sort(java.util.Comparator.comparingInt(TrialRecord::id));
            return out;
        }
    }

    /** The best trial finished so far (restored ones included), or null. */
    public synchronized TrialRecord best() {
        return best;
    }

    /** The most trials that ran at once. */
    public synchronized int peakConcurrency() {
        return peakActive;
    }

    private boolean report(Context c, int iteration, double metric) {
        synchronized (this) {
            if (aborted) {
                return false;
            }
            long t = tick;
            reports.put(c.id, metric);
            c.history.add(metric);
            arrived(c, iteration); // may resolve the tick itself
            while (tick == t && !aborted) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            Rule.Decision d = decisions.remove(c.id);
            if (d == null) {
                return false; // aborted
            }
            c.last = d;
            return d == Rule.Decision.CONTINUE;
        }
    }

    private void finish(Context c, Object model, Throwable error) {
        synchronized (this) {
            if (aborted) {
                active.remove(c.id);
                notifyAll();
                return;
            }
            finishes.put(c.id, new Object[] {model, error});
            arrived(c, -1);
        }
    }

    /** Records iteration numbers per pending report; resolves the tick once every running trial has arrived. */
    private final Map<Integer, Integer> iterations = new HashMap<>();

    private void arrived(Context c, int iteration) {
        if (iteration >= 0) {
            iterations.put(c.id, iteration);
        }
        if (reports.size() + finishes.size() < active.size()) {
            return;
        }
        for (int id : new TreeSet<>(reports.keySet())) {
            Rule.Decision d = rule.onReport(id, iterations.get(id), score(reports.get(id)));
            decisions.put(id, d);
        }
        reports.clear();
        for (int id : new TreeSet<>(finishes.keySet())) {
            Object[] f = finishes.get(id);
            Context ctx = active.remove(id);
            Throwable error = (Throwable) f[1];
            if (error != null && isBudget(error) && !active.isEmpty()) {
                queue.addFirst(id);
                maxConcurrent = Math.max(1, Math.min(maxConcurrent, active.size()));
                continue;
            }
            TrialRecord.Status status = error != null ? TrialRecord.Status.ERROR
                    : ctx.last == Rule.Decision.STOP ? TrialRecord.Status.STOPPED : TrialRecord.Status.TERMINATED;
            double metric = ctx.history.isEmpty() ? Double.NaN : ctx.history.get(ctx.history.size() - 1);
            TrialRecord r = new TrialRecord(id, ctx.params, status, metric, ctx.history.size(), ctx.history,
                    error == null ? null : describe(error));
            done.add(r);
            boolean isBest = isBetter(r, best);
            if (isBest) {
                best = r;
            }
            completion.completed(r, error == null ? f[0] : null, isBest);
            if (checkpoint != null) {
                checkpoint.append(r);
                completion.checkpointed(r, isBest);
            }
        }
        finishes.clear();
        fill();
        tick++;
        notifyAll();
    }

    /** Starts queued trials while slots are free. */
    private void fill() {
        while (active.size() < maxConcurrent && !queue.isEmpty()) {
            int id = queue.poll();
            Context c = new Context(id, params.get(id));
            active.put(id, c);
            Thread.ofVirtual().name("tune-trial-" + id).start(() -> {
                Object model = null;
                Throwable error = null;
                try {
                    model = body.run(c);
                } catch (Throwable t) {
                    error = t;
                }
                finish(c, model, error);
            });
        }
        peakActive = Math.max(peakActive, active.size());
    }

    private static boolean isBudget(Throwable t) {
        for (Throwable e = t; e != null; e = e.getCause()) {
            if (e instanceof BudgetExceededException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private void line(boolean last) {
        if (progress == null) {
            return;
        }
        long now = System.nanoTime();
        if (!last && now - lastLine < 2_000_000_000L) {
            return;
        }
        if (last && lastLine == 0 && now - started < 2_000_000_000L) {
            return;
        }
        lastLine = now;
        int stopped = 0;
        int errors = 0;
        for (TrialRecord r : done) {
            stopped += r.status() == TrialRecord.Status.STOPPED ? 1 : 0;
            errors += r.status() == TrialRecord.Status.ERROR ? 1 : 0;
        }
        progress.printf(Locale.ROOT, "tune: %d running, %d of %d finished (%d stopped early, %d errors), best %s %s, %.1f s%n",
                active.size(), done.size(), params.size(), stopped, errors, metricName,
                best == null ? "-" : String.format(Locale.ROOT, "%.6g (trial %d)", best.metric(), best.id()), (now - started) / 1e9);
    }
}
