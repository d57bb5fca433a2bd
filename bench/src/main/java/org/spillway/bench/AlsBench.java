package org.spillway.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.spillway.datasets.SyntheticRatings;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.ml.RegressionEvaluator;
import org.spillway.ml.recommendation.ALS;
import org.spillway.ml.recommendation.ALSModel;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.memory.ProcessMemory;

/**
 * {@code ./spillway bench als}: ALS on {@link SyntheticRatings} generated straight into a session
 * (which spills them past its memory limit): the time to generate, to prepare the rating blocks
 * (check, number the ids, sort by user and by item) and per iteration (items then users), the
 * process's peak RSS, the bytes spilled, and the test RMSE on held-out ratings of the same model
 * against the noise floor. The configuration is
 * {@code --users 1e6 --items 1e5 --ratings 1e8 --rank 20 --memory 1g}.
 */
public final class AlsBench {
    private AlsBench() {
    }

    /** Runs the benchmark; returns a process exit status (1 if, after 8 or more iterations, the test RMSE is not near the noise floor). */
    public static int run(long users, long items, long ratings, int rank, int iterations, String memory, int threads,
                          double noise, Path spillDir) {
        SyntheticRatings g = new SyntheticRatings(Math.toIntExact(users), Math.toIntExact(items), rank, noise, 7).ratings(ratings);
        System.out.printf(Locale.ROOT, "bench als: %,d ratings of %,d users x %,d items, rank %d, %d iterations, memory %s,"
                + " %d workers (%s of ratings)%n", ratings, users, items, rank, iterations, memory, threads,
                MemoryBudget.formatBytes(ratings * 16));
        ProcessMemory.resetPeakRss();
        try (Spillway sw = Spillway.builder().memoryLimit(memory).parallelism(threads).progress(false).spillDir(spillDir).build()) {
            long t0 = System.nanoTime();
            DataFrame data = sw.generate(g);
            double genSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "generated in %.1f s (%s spilled so far)%n", genSeconds,
                    MemoryBudget.formatBytes(sw.budget().spilledBytes()));
            List<Double> at = new ArrayList<>();
            long t1 = System.nanoTime();
            ALSModel m = new ALS().rank(rank).maxIter(iterations).regParam(0.05).seed(1).coldStartStrategy("drop")
                    .listener(it -> {
                        at.add(it.elapsedNanos() / 1e9);
                        System.out.printf(Locale.ROOT, "  iteration %d: objective/rating %.6f at %.1f s, RSS %s%n", it.iteration(),
                                it.objective(), it.elapsedNanos() / 1e9, MemoryBudget.formatBytes(ProcessMemory.rss()));
                    }).fit(data);
            double fitSeconds = (System.nanoTime() - t1) / 1e9;
            double firstIteration = at.isEmpty() ? 0 : at.getFirst();
            double perIteration = at.size() < 2 ? Double.NaN : (at.getLast() - at.getFirst()) / (at.size() - 1);
            double prep = Double.isNaN(perIteration) ? firstIteration : firstIteration - perIteration;
            long heldOut = Math.max(1000, Math.min(ratings / 100, 1_000_000));
            DataFrame test = sw.generate(g.ratings(heldOut).rowSeed(1));
            double rmse = new RegressionEvaluator().labelCol(SyntheticRatings.RATING).metricName("rmse").metric(m.transform(test));
            System.out.printf(Locale.ROOT, "fit %.1f s: blocks prepared in about %.1f s (the first iteration's end less one iteration),"
                    + " then %.2f s per iteration (items, then users)%n", fitSeconds, prep, perIteration);
            System.out.printf(Locale.ROOT, "peak RSS %s, spilled %s, %s%n", MemoryBudget.formatBytes(ProcessMemory.peakRss()),
                    MemoryBudget.formatBytes(sw.budget().spilledBytes()), sw.memoryReport());
            System.out.printf(Locale.ROOT, "test RMSE %.4f on %,d held-out ratings (noise floor %.4f)%n", rmse, heldOut, noise);
            if (iterations < 8) {
                System.out.println("(the RMSE is checked against the noise floor from 8 iterations on)");
                return 0;
            }
            return rmse < noise * 1.5 ? 0 : 1;
        }
    }
}
