package org.spillway.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.spillway.frame.DataFrame;
import org.spillway.ml.tune.Checkpoint;
import org.spillway.ml.tune.Dimension;
import org.spillway.ml.tune.Rule;
import org.spillway.ml.tune.Sampler;
import org.spillway.ml.tune.TrialRecord;
import org.spillway.ml.tune.TrialRunner;

/**
 * Hyperparameter search with concurrent trials and early stopping, as Ray Tune in the JVM:
 *
 * <pre>{@code
 * var space = SearchSpace.builder().loguniform("regParam", 1e-6, 1e-1).uniform("elasticNetParam", 0, 1).build();
 * var results = new Tuner(p -> new LogisticRegression().solver("sgd").regParam(p.getDouble("regParam"))
 *                 .elasticNetParam(p.getDouble("elasticNetParam")).maxIter(30),
 *             new BinaryClassificationEvaluator().metricName("logLoss"))
 *         .space(space).numSamples(64).seed(1)
 *         .scheduler(Schedulers.asha().maxT(30).gracePeriod(2).reductionFactor(3))
 *         .maxConcurrentTrials(4).checkpointDir("tune/flights")
 *         .fit(train, validation);
 * results.best().params(); results.best().metric(); results.best().model(); results.table().show();
 * }</pre>
 *
 * <p><b>Trials.</b> Trial {@code i}'s parameters are drawn up front from the seed (see
 * {@link SearchSpace}); the factory builds its estimator. An iterative learner (the linear learners, k-means,
 * ALS) reports after every iteration (every epoch for SGD): the tuner builds the model at that iterate,
 * scores the validation frame with the evaluator (one pass over it) and the scheduler says whether
 * the trial goes on; a stopped learner returns the model of that iterate. Other estimators are
 * scored once, after their fit (one "iteration"). A {@link Pipeline} whose last stage is a learner
 * has its other stages fitted first and the learner reporting; stages that are the same objects in
 * every trial (built outside the factory) are fitted once, and the training frame as they transform
 * it is collected once and shared by the trials. The metric a trial ends with is the last one it
 * reported; the best trial has the best such metric ({@link Evaluator#isLargerBetter()} says which
 * way), and its model is the one at its last iteration.
 *
 * <p><b>Concurrency and memory.</b> Up to {@code maxConcurrentTrials} trials (default 1) run at
 * once, each on a virtual thread, in lock-step ticks (see {@link TrialRunner}), so a run is
 * reproducible for a given seed and concurrency. Their chunk work runs on the session's pool,
 * which they share. The training and validation frames are collected once (unless they already
 * are) and read by every trial; each running trial holds, from the session's one memory budget, its
 * learner's working memory (for SGD (parallelism + 1) chunk blocks on the heap; for L-BFGS one tile
 * per worker and about 20 model-size vectors), so k trials hold k such shares. A trial whose
 * reservation cannot be met while others run waits (it is queued again, and the concurrency lowered
 * by one); a trial failing with any other exception is {@code ERROR} and the run goes on.
 *
 * <p><b>Checkpoints.</b> With {@link #checkpointDir}, each finished trial is appended to the
 * directory as it ends, the best trial's model saved there before its record (as
 * {@code best-model-<trial>.json}); a killed run, even by {@code kill -9}, is resumed by
 * {@link #restore}, which runs only the trials that had not finished (those that were running are
 * run again from the start; the scheduler's rungs are rebuilt from the finished trials' curves).
 *
 * <p><b>Grid search.</b> {@link TrainValidationSplit} and {@link CrossValidator} are this tuner over
 * their grid's points under FIFO, each trial fitted to its learner's own end and scored once.
 *
 * <p><b>Progress.</b> When the session shows progress (or {@link #verbose(boolean)} is true), a line
 * every two seconds on standard error: trials running, finished, stopped early and failed, and the
 * best metric so far.
 */
public final class Tuner {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Function<ParamMap, ? extends Estimator<?>> factory;
    private final Evaluator<?> evaluator;
    private SearchSpace space;
    private int numSamples = 1;
    private long seed = 42;
    private TrialScheduler scheduler = Schedulers.fifo();
    private int maxConcurrent = 1;
    private Path checkpointDir;
    private boolean resume;
    private Boolean verbose;
    private int peak;
    private List<Map<String, Object>> points;
    private boolean scoreOnce;
    private final Map<Integer, Throwable> failures = new ConcurrentHashMap<>();

    /**
     * A tuner.
     *
     * @param factory   builds the estimator of a trial from its parameters (a learner, or a pipeline)
     * @param evaluator scores a trial's predictions on the validation frame with its {@code metricName}
     */
    public Tuner(Function<ParamMap, ? extends Estimator<?>> factory, Evaluator<?> evaluator) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
    }

    /** The parameters to search. */
    public Tuner space(SearchSpace s) {
        this.space = Objects.requireNonNull(s, "space");
        return this;
    }

    /** How many samples to draw (each tried with every grid combination); default 1. */
    public Tuner numSamples(int n) {
        if (n < 1) {
            throw new MlException("Parameter numSamples = " + n + " is invalid: it must be >= 1");
        }
        this.numSamples = n;
        return this;
    }

    /** The seed of the samples; default 42. */
    public Tuner seed(long s) {
        this.seed = s;
        return this;
    }

    /** How trials are stopped early; default {@link Schedulers#fifo()} (maxT 100). */
    public Tuner scheduler(TrialScheduler s) {
        this.scheduler = Objects.requireNonNull(s, "scheduler");
        return this;
    }

    /** The most trials at once; default 1. */
    public Tuner maxConcurrentTrials(int k) {
        if (k < 1) {
            throw new MlException("Parameter maxConcurrentTrials = " + k + " is invalid: it must be >= 1");
        }
        this.maxConcurrent = k;
        return this;
    }

    /** Keeps finished trials and the best model in {@code dir}, so a killed run can be resumed with {@link #restore}. */
    public Tuner checkpointDir(Path dir) {
        this.checkpointDir = Objects.requireNonNull(dir, "dir");
        return this;
    }

    /** {@link #checkpointDir(Path)} for a path string. */
    public Tuner checkpointDir(String dir) {
        return checkpointDir(Path.of(dir));
    }

    /** Progress lines on standard error: true always, false never; by default when the session shows progress. */
    public Tuner verbose(boolean v) {
        this.verbose = v;
        return this;
    }

    /** The most trials that ran at once in the last {@link #fit}. */
    public int peakConcurrentTrials() {
        return peak;
    }

    /**
     * A tuner that resumes the search checkpointed in {@code dir}: its space, samples, seed, scheduler
     * and concurrency are read from there; {@link #fit} then runs only the trials not yet finished.
     * The factory and evaluator must be the run's own (they cannot be stored).
     */
    public static Tuner restore(Path dir, Function<ParamMap, ? extends Estimator<?>> factory, Evaluator<?> evaluator) {
        Checkpoint cp = new Checkpoint(dir);
        if (!cp.exists()) {
            throw new MlException("No tuning checkpoint in " + dir + " (tuner.json is missing)");
        }
        JsonNode s = cp.readSettings();
        List<Dimension> dims = new ArrayList<>();
        for (JsonNode d : s.get("space")) {
            List<Object> values = new ArrayList<>();
            d.get("values").forEach(v -> values.add(Checkpoint.value(v)));
            dims.add(new Dimension(d.get("name").asText(), Dimension.Kind.valueOf(d.get("kind").asText()), d.get("lo").asDouble(),
                    d.get("hi").asDouble(), d.get("q").asDouble(), values.isEmpty() ? null : values));
        }
        JsonNode sc = s.get("scheduler");
        Tuner t = new Tuner(factory, evaluator).space(SearchSpace.of(dims)).numSamples(s.get("numSamples").asInt())
                .seed(s.get("seed").asLong()).maxConcurrentTrials(s.get("maxConcurrentTrials").asInt())
                .scheduler(new TrialScheduler(sc.get("kind").asText(), sc.get("maxT").asInt(), sc.get("gracePeriod").asInt(),
                        sc.get("reductionFactor").asInt()))
                .checkpointDir(dir);
        if (!s.get("metric").asText().equals(evaluator.metricName())) {
            throw new MlException("The checkpoint in " + dir + " was made with metric " + s.get("metric").asText()
                    + " but the evaluator's is " + evaluator.metricName());
        }
        t.resume = true;
        return t;
    }

    /** {@link #restore(Path, Function, Evaluator)} for a path string. */
    public static Tuner restore(String dir, Function<ParamMap, ? extends Estimator<?>> factory, Evaluator<?> evaluator) {
        return restore(Path.of(dir), factory, evaluator);
    }

    /**
     * Splits {@code frame} at random ({@code trainRatio} for training, the rest for validation, seeded
     * by the tuner's seed) and runs the search on the two parts.
     */
    public TuneResults fit(DataFrame frame, double trainRatio) {
        if (!(trainRatio > 0 && trainRatio < 1)) {
            throw new MlException("Parameter trainRatio = " + trainRatio + " is invalid: it must be within (0, 1)");
        }
        DataFrame[] parts = frame.randomSplit(new double[] {trainRatio, 1 - trainRatio}, seed);
        try {
            return fit(parts[0], parts[1]);
        } finally {
            for (DataFrame d : parts) {
                d.unpersist();
            }
        }
    }

    /** Runs the search: trains each trial on {@code train}, scores it on {@code validation}. */
    public TuneResults fit(DataFrame train, DataFrame validation) {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
        if (space == null && points == null) {
            throw new MlException("Tuner: set the search space with space(SearchSpace.builder()...build())");
        }
        List<Map<String, Object>> trials = points != null ? points : Sampler.trials(space.dimensions(), numSamples, seed);
        failures.clear();
        Checkpoint cp = checkpointDir == null || points != null ? null : new Checkpoint(checkpointDir);
        List<TrialRecord> finished = List.of();
        if (cp != null) {
            if (resume) {
                finished = cp.trials();
            } else if (cp.exists()) {
                throw new MlException("The checkpoint directory " + checkpointDir + " already holds a search; resume it with "
                        + "Tuner.restore(dir, factory, evaluator), or choose an empty directory");
            } else {
                cp.writeSettings(settings());
            }
        }
        Rule rule = scheduler.newRule();
        boolean larger = evaluator.isLargerBetter();
        DataFrame tr = train.isCollected() ? train : train.collect();
        DataFrame va = validation.isCollected() ? validation : validation.collect();
        Map<List<Object>, Prefix> prefixes = new ConcurrentHashMap<>();
        Model[] bestModel = {null};
        boolean print = verbose != null ? verbose : train.session().showsProgress();
        try {
            TrialRunner runner = new TrialRunner(rule, larger, evaluator.metricName(), trials, finished, maxConcurrent, cp,
                    new TrialRunner.Completion() {
                        @Override
                        public void completed(TrialRecord r, Object model, boolean best) {
                            if (best) {
                                bestModel[0] = (Model) model;
                                if (cp != null) {
                                    saveBest((Model) model, r.id());
                                }
                            }
                        }

                        @Override
                        public void checkpointed(TrialRecord r, boolean best) {
                            if (best) {
                                deleteOtherBest(r.id());
                            }
                        }
                    }, print ? System.err : null);
            TrialRecord restoredBest = runner.best();
            if (cp != null && restoredBest != null && Files.exists(bestModelPath(restoredBest.id()))) {
                bestModel[0] = Models.load(bestModelPath(restoredBest.id()));
            }
            List<TrialRecord> records = runner.run(ctx -> {
                try {
                    return runTrial(ctx, tr, va, prefixes);
                } catch (RuntimeException | Error e) {
                    failures.put(ctx.id(), e);
                    throw e;
                }
            });
            peak = runner.peakConcurrency();
            return new TuneResults(evaluator.metricName(), larger, records, space == null ? List.of() : space.dimensions(), bestModel[0],
                    train.session());
        } finally {
            for (Prefix p : prefixes.values()) {
                p.free();
            }
            if (tr != train) {
                tr.unpersist();
            }
            if (va != validation) {
                va.unpersist();
            }
        }
    }

    /**
     * The best trial's model in the checkpoint: {@code best-model-<trial>.json}, written (atomically)
     * before the trial's record, the previous best's file deleted after it; so the file named by the
     * best checkpointed trial is always that trial's model.
     */
    private Path bestModelPath(int trial) {
        return checkpointDir.resolve("best-model-" + trial + ".json");
    }

    private void saveBest(Model m, int trial) {
        try {
            m.save(bestModelPath(trial));
        } catch (RuntimeException e) {
            // a model type without a JSON form: the best model is kept in memory only
        }
    }

    private void deleteOtherBest(int trial) {
        String keep = bestModelPath(trial).getFileName().toString();
        try (var files = Files.list(checkpointDir)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.startsWith("best-model-") && n.endsWith(".json") && !n.equals(keep)) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (java.io.IOException e) {
            // a stale model file is harmless: the best record names the file to load
        }
    }

    /**
     * The fitted stages before a pipeline's learner, and the frames as they transform them. The
     * transformed training frame is collected once the prefix is used by a second trial (so stages
     * shared by all trials cost one copy, and stages built per trial none).
     */
    private static final class Prefix {
        final List<Transformer> fitted;
        final DataFrame lazyTrain;
        final DataFrame validation;
        private int uses;
        private DataFrame collected;

        Prefix(List<Transformer> fitted, DataFrame lazyTrain, DataFrame validation) {
            this.fitted = fitted;
            this.lazyTrain = lazyTrain;
            this.validation = validation;
        }

        static Prefix fit(List<PipelineStage> stages, DataFrame train, DataFrame validation) {
            List<Transformer> fitted = new ArrayList<>();
            DataFrame cur = train;
            for (PipelineStage s : stages) {
                Transformer t = s instanceof Estimator<?> e ? e.fit(cur) : (Transformer) s;
                fitted.add(t);
                cur = t.transform(cur);
            }
            DataFrame v = validation;
            for (Transformer t : fitted) {
                v = t.transform(v);
            }
            return new Prefix(fitted, cur, v);
        }

        synchronized DataFrame train() {
            if (uses++ == 0 || lazyTrain.isCollected()) {
                return lazyTrain;
            }
            if (collected == null) {
                collected = lazyTrain.collect();
            }
            return collected;
        }

        synchronized void free() {
            if (collected != null) {
                collected.unpersist();
                collected = null;
            }
        }
    }

    private Object runTrial(TrialRunner.Context ctx, DataFrame train, DataFrame validation, Map<List<Object>, Prefix> prefixes) {
        ParamMap p = new ParamMap(ctx.params());
        Estimator<?> est = factory.apply(p);
        if (est == null) {
            throw new MlException("The tuner's factory returned null for " + p);
        }
        Estimator<?> learner = est;
        Prefix prefix = null;
        if (est instanceof Pipeline pl && !pl.stages().isEmpty() && pl.stages().getLast() instanceof Estimator<?> last) {
            List<PipelineStage> head = pl.stages().subList(0, pl.stages().size() - 1);
            List<Object> key = new ArrayList<>();
            for (PipelineStage s : head) {
                key.add(new Identity(s));
            }
            prefix = prefixes.computeIfAbsent(key, k -> Prefix.fit(head, train, validation));
            learner = last;
        }
        DataFrame tr = prefix == null ? train : prefix.train();
        DataFrame va = prefix == null ? validation : prefix.validation;
        double[] lastMetric = {Double.NaN};
        int[] reports = {0};
        Estimator<?> fitter = learner;
        if (scoreOnce) {
            Model m = fitter.fit(tr);
            ctx.report(1, evaluator.metric(m.transform(va)));
            return prefix == null ? m : withPrefix(prefix, m);
        }
        Model m = TrialReporter.runWith((iteration, snapshot) -> {
            double metric = evaluator.metric(snapshot.get().transform(va));
            lastMetric[0] = metric;
            reports[0]++;
            return ctx.report(iteration, metric);
        }, () -> fitter.fit(tr));
        if (reports[0] == 0) {
            ctx.report(1, evaluator.metric(m.transform(va)));
        }
        return prefix == null ? m : withPrefix(prefix, m);
    }

    private static PipelineModel withPrefix(Prefix prefix, Model m) {
        List<Transformer> all = new ArrayList<>(prefix.fitted);
        all.add(m);
        return new PipelineModel(all);
    }

    /**
     * Runs the given points instead of samples of a search space: trial {@code i} has the
     * parameters of {@code grid.get(i)}. For {@link TrainValidationSplit} and {@link CrossValidator};
     * no checkpoints.
     */
    Tuner points(List<ParamMap> grid) {
        this.points = grid.stream().map(ParamMap::asMap).toList();
        return this;
    }

    /**
     * Fits every trial to its learner's own end without reporting per iteration, and scores it once
     * on the validation frame (so a trial costs one fit and one evaluation, as Spark's grid search).
     */
    Tuner scoreOnce() {
        this.scoreOnce = true;
        return this;
    }

    /** The exception trial {@code id} of the last {@link #fit} failed with (status ERROR), or null. */
    Throwable failure(int id) {
        return failures.get(id);
    }

    /** Compares pipeline stages by identity (stages do not define equality). */
    private record Identity(Object stage) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Identity i && i.stage == stage;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(stage);
        }
    }

    private ObjectNode settings() {
        ObjectNode s = JSON.createObjectNode();
        s.put("format", 1);
        ArrayNode dims = s.putArray("space");
        for (Dimension d : space.dimensions()) {
            ObjectNode n = dims.addObject();
            n.put("name", d.name());
            n.put("kind", d.kind().name());
            n.put("lo", d.lo());
            n.put("hi", d.hi());
            n.put("q", d.q());
            n.set("values", JSON.valueToTree(d.values()));
        }
        s.put("numSamples", numSamples);
        s.put("seed", seed);
        s.put("maxConcurrentTrials", maxConcurrent);
        ObjectNode sc = s.putObject("scheduler");
        sc.put("kind", scheduler.kind());
        sc.put("maxT", scheduler.maxT());
        sc.put("gracePeriod", scheduler.gracePeriod());
        sc.put("reductionFactor", scheduler.reductionFactor());
        s.put("metric", evaluator.metricName());
        return s;
    }

    @Override
    public String toString() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("space", space);
        m.put("numSamples", numSamples);
        m.put("seed", seed);
        m.put("scheduler", scheduler);
        m.put("maxConcurrentTrials", maxConcurrent);
        return "Tuner" + m;
    }
}
