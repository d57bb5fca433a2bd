package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.spillway.frame.Functions.asc;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.count;
import static org.spillway.frame.Functions.desc;
import static org.spillway.frame.Functions.max;
import static org.spillway.frame.Functions.sum;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One session used from several threads at once: every query gives what it gives alone (group by, join and sort,
 * spilling under a small budget). Sums are of integers: a double sum's last digits depend on the order of its
 * partial sums, which differs between runs alone too.
 */
class SessionConcurrencyTest {
    @TempDir
    Path dir;

    private static List<String> text(DataFrame df) {
        List<String> out = new ArrayList<>();
        for (Row r : df.collect().rows()) {
            out.add(r.values().toString());
        }
        return out;
    }

    @Test
    void queriesFromManyThreadsGiveTheirSingleThreadResults() throws Exception {
        Path data = dir.resolve("data");
        org.spillway.datasets.Events.rows(200_000).writeCsv(data, 2);
        try (Spillway sw = Spillway.builder().memoryLimit("24m").spillDir(dir.resolve("spill").toString()).build()) {
            DataFrame events = sw.readCsv(data + "/*.csv");
            DataFrame users = events.groupBy("user").agg(count().as("n"), max("amount").as("top"));
            List<Function<DataFrame, DataFrame>> queries = List.of(
                    e -> e.groupBy("country").agg(count().as("n"), sum("quantity").as("q")).sort(asc("country")),
                    e -> e.groupBy("user", "country").agg(sum("quantity").as("s")).sort(desc("s"), asc("user"), asc("country")).limit(50),
                    e -> e.join(users, "user").filter(col("amount").eq(col("top"))).select("id", "user").sort(asc("id")).limit(200),
                    e -> e.sort(desc("amount"), asc("id")).select("id", "amount").limit(300),
                    e -> e.filter(col("quantity").gt(3)).groupBy("user").agg(count().as("n")).filter(col("n").gt(2)).sort(asc("user")));
            List<List<String>> alone = new ArrayList<>();
            for (Function<DataFrame, DataFrame> q : queries) {
                alone.add(text(q.apply(events)));
            }
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<List<String>>> runs = new ArrayList<>();
                List<Integer> which = new ArrayList<>();
                for (int round = 0; round < 4; round++) {
                    for (int i = 0; i < queries.size(); i++) {
                        Function<DataFrame, DataFrame> q = queries.get(i);
                        runs.add(pool.submit((Callable<List<String>>) () -> text(q.apply(events))));
                        which.add(i);
                    }
                }
                for (int k = 0; k < runs.size(); k++) {
                    assertEquals(alone.get(which.get(k)), runs.get(k).get(), "query " + which.get(k) + " run concurrently");
                }
            } finally {
                pool.shutdownNow();
                pool.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS); // no query outlives the session
            }
        }
    }
}
