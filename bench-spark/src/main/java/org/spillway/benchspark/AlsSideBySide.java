package org.spillway.benchspark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.spillway.datasets.SyntheticRatings;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.ml.RegressionEvaluator;
import org.spillway.ml.recommendation.ALS;
import org.spillway.ml.recommendation.ALSModel;

/**
 * Spillway's ALS beside Spark MLlib's on the same ratings, in one JVM: {@link SyntheticRatings}
 * (low rank plus noise of 0.5, seed 7) written once as Parquet by Spillway (training ratings, and
 * held-out ratings of the same users and items from another row seed), then read by both engines
 * into memory (Spillway: {@code collect()}; Spark: {@code cache()} and {@code count()}), so neither
 * fit pays for Parquet. Both fit rank {@code rank}, the same {@code regParam} (ALS-WR in both:
 * scaled by each user's and item's rating count), explicit feedback, on {@code threads} workers
 * (Spark: {@code local[threads]}, its default 10 user and 10 item blocks).
 *
 * <p><b>Time per iteration</b> is measured the same way for both: a warm-up fit of one iteration
 * (JIT), then fits of 1 and of {@code iterations} iterations, and
 * {@code (t(iterations) - t(1)) / (iterations - 1)}; so the preparation both do before the first
 * iteration (Spillway's two sorts of the ratings, Spark's partitioning into in/out blocks) cancels.
 * Spillway's own per-iteration clock (its iteration listener) is printed as a check. Then both
 * models' RMSE on the same held-out ratings (Spark: {@code coldStartStrategy("drop")}; Spillway:
 * the same).
 *
 * <p>Run by {@code bench-spark/als-side-by-side.sh [--users 1e5] [--items 1e4] [--ratings 1e7]
 * [--rank 20] [--iterations 5] [--reg 0.05] [--threads 2] [--memory 4g] [--data DIR]
 * [--engines spillway,spark]}, which builds this module in the {@code spark} profile and starts
 * the JVM with the flags Spark needs on JDK 25.
 */
public final class AlsSideBySide {
    private static final double NOISE = 0.5;
    private static final long SEED = 7;

    private AlsSideBySide() {
    }

    /** One engine's figures. */
    private record Result(String engine, double fit1Seconds, double fitNSeconds, double perIteration, double listenerPerIteration,
                          double rmse) {
    }

    /**
     * Runs the comparison; the options are listed in the class comment.
     *
     * @param args {@code --name value} pairs
     */
    public static void main(String[] args) {
        Map<String, String> o = options(args);
        int users = (int) count(o, "users", 100_000);
        int items = (int) count(o, "items", 10_000);
        long ratings = count(o, "ratings", 10_000_000);
        int rank = (int) count(o, "rank", 20);
        int iterations = (int) count(o, "iterations", 5);
        double reg = Double.parseDouble(o.getOrDefault("reg", "0.05"));
        int threads = (int) count(o, "threads", 2);
        String memory = o.getOrDefault("memory", "4g");
        Path data = Path.of(o.getOrDefault("data", Path.of(System.getProperty("java.io.tmpdir"), "spillway-bench-spark").toString()));
        List<String> engines = List.of(o.getOrDefault("engines", "spillway,spark").split(","));
        if (iterations < 2) {
            throw new IllegalArgumentException("--iterations must be at least 2 (time per iteration is t(n) - t(1) over n - 1)");
        }
        SyntheticRatings g = new SyntheticRatings(users, items, rank, NOISE, SEED).ratings(ratings);
        long heldOut = Math.max(1000, Math.min(ratings / 100, 1_000_000));
        String tag = String.format(Locale.ROOT, "%d-%d-%d-%d", users, items, rank, ratings);
        Path train = data.resolve("ratings-" + tag);
        Path test = data.resolve("test-" + tag + "-" + heldOut);
        System.out.printf(Locale.ROOT, "ALS side by side: %,d ratings of %,d users x %,d items (SyntheticRatings rank %d, noise %.2f,"
                + " seed %d), rank %d, regParam %s, %d iterations, %d workers; held out: %,d ratings%n", ratings, users, items, rank,
                NOISE, SEED, rank, reg, iterations, threads, heldOut);
        writeOnce(g, train, test, heldOut, memory, threads);
        List<Result> results = new ArrayList<>();
        for (String e : engines) {
            switch (e.strip()) {
                case "spillway" -> results.add(spillway(train, test, rank, reg, iterations, threads, memory));
                case "spark" -> results.add(spark(train, test, rank, reg, iterations, threads));
                default -> throw new IllegalArgumentException("--engines: unknown engine '" + e + "' (spillway, spark)");
            }
        }
        System.out.println();
        System.out.println("| engine | fit, 1 iteration (s) | fit, " + iterations + " iterations (s) | per iteration (s) | test RMSE |");
        System.out.println("| --- | ---: | ---: | ---: | ---: |");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f%s | %.4f |%n", r.engine, r.fit1Seconds, r.fitNSeconds, r.perIteration,
                    Double.isNaN(r.listenerPerIteration) ? "" : String.format(Locale.ROOT, " (listener: %.2f)", r.listenerPerIteration),
                    r.rmse);
        }
        if (results.size() == 2) {
            System.out.printf(Locale.ROOT, "per-iteration ratio %s / %s: %.2f (below 1: %s faster); noise floor %.2f%n",
                    results.get(0).engine, results.get(1).engine, results.get(0).perIteration / results.get(1).perIteration,
                    results.get(0).engine, NOISE);
        }
    }

    /** Writes the training and held-out ratings as Parquet directories unless they exist. */
    private static void writeOnce(SyntheticRatings g, Path train, Path test, long heldOut, String memory, int threads) {
        if (Files.isDirectory(train) && Files.isDirectory(test)) {
            System.out.println("data: " + train + " and " + test + " (written before)");
            return;
        }
        try {
            Files.createDirectories(train.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long t0 = System.nanoTime();
        try (Spillway sw = Spillway.builder().memoryLimit(memory).parallelism(threads).progress(false).build()) {
            sw.generate(g).writeParquet(train.toString());
            sw.generate(g.ratings(heldOut).rowSeed(1)).writeParquet(test.toString());
        }
        System.out.printf(Locale.ROOT, "data: wrote %s and %s in %.1f s%n", train, test, (System.nanoTime() - t0) / 1e9);
    }

    private static Result spillway(Path train, Path test, int rank, double reg, int iterations, int threads, String memory) {
        System.out.println("spillway: reading the ratings into memory");
        try (Spillway sw = Spillway.builder().memoryLimit(memory).parallelism(threads).progress(false).build()) {
            DataFrame ratings = sw.readParquet(train).collect();
            DataFrame held = sw.readParquet(test).collect();
            ALS als = new ALS().userCol(SyntheticRatings.USER).itemCol(SyntheticRatings.ITEM).ratingCol(SyntheticRatings.RATING)
                    .rank(rank).regParam(reg).seed(1).implicitPrefs(false).coldStartStrategy("drop");
            timed(() -> als.maxIter(1).fit(ratings));
            double t1 = timed(() -> als.maxIter(1).fit(ratings));
            List<Double> at = new ArrayList<>();
            ALSModel[] model = new ALSModel[1];
            double tn = timed(() -> model[0] = als.maxIter(iterations).listener(it -> at.add(it.elapsedNanos() / 1e9)).fit(ratings));
            double listener = (at.getLast() - at.getFirst()) / (at.size() - 1);
            double rmse = new RegressionEvaluator().labelCol(SyntheticRatings.RATING).metricName("rmse").metric(model[0].transform(held));
            System.out.printf(Locale.ROOT, "spillway: fit(1) %.2f s, fit(%d) %.2f s, listener %.2f s per iteration, RMSE %.4f, %s%n", t1,
                    iterations, tn, listener, rmse, sw.memoryReport());
            ratings.unpersist();
            held.unpersist();
            return new Result("Spillway", t1, tn, (tn - t1) / (iterations - 1), listener, rmse);
        }
    }

    private static Result spark(Path train, Path test, int rank, double reg, int iterations, int threads) {
        System.out.println("spark: starting local[" + threads + "] and caching the ratings");
        SparkSession spark = SparkSession.builder().master("local[" + threads + "]").appName("spillway-als-side-by-side")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.sql.shuffle.partitions", String.valueOf(2 * threads))
                .config("spark.sql.session.timeZone", "UTC").getOrCreate();
        try {
            spark.sparkContext().setLogLevel("WARN");
            Dataset<Row> ratings = spark.read().parquet(train.toString()).cache();
            Dataset<Row> held = spark.read().parquet(test.toString()).cache();
            System.out.printf(Locale.ROOT, "spark: %,d ratings cached, %,d held out%n", ratings.count(), held.count());
            org.apache.spark.ml.recommendation.ALS als = new org.apache.spark.ml.recommendation.ALS().setUserCol(SyntheticRatings.USER)
                    .setItemCol(SyntheticRatings.ITEM).setRatingCol(SyntheticRatings.RATING).setRank(rank).setRegParam(reg)
                    .setImplicitPrefs(false).setSeed(1).setColdStartStrategy("drop");
            timed(() -> als.setMaxIter(1).fit(ratings));
            double t1 = timed(() -> als.setMaxIter(1).fit(ratings));
            org.apache.spark.ml.recommendation.ALSModel[] model = new org.apache.spark.ml.recommendation.ALSModel[1];
            double tn = timed(() -> model[0] = als.setMaxIter(iterations).fit(ratings));
            double rmse = new org.apache.spark.ml.evaluation.RegressionEvaluator().setLabelCol(SyntheticRatings.RATING)
                    .setPredictionCol("prediction").setMetricName("rmse").evaluate(model[0].transform(held));
            System.out.printf(Locale.ROOT, "spark: fit(1) %.2f s, fit(%d) %.2f s, RMSE %.4f%n", t1, iterations, tn, rmse);
            return new Result("Spark MLlib " + spark.version(), t1, tn, (tn - t1) / (iterations - 1), Double.NaN, rmse);
        } finally {
            spark.stop();
        }
    }

    private static double timed(Runnable r) {
        System.gc();
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "' (see AlsSideBySide's Javadoc)");
            }
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }

    private static long count(Map<String, String> o, String name, long dflt) {
        String v = o.get(name);
        if (v == null) {
            return dflt;
        }
        double d = Double.parseDouble(v.replace("_", ""));
        if (d != Math.rint(d) || d < 0) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, not " + v);
        }
        return (long) d;
    }
}
