package org.spillway.bench;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.spillway.datasets.Flights;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.ml.LogisticRegression;
import org.spillway.ml.OneHotEncoder;
import org.spillway.ml.Pipeline;
import org.spillway.ml.PipelineModel;
import org.spillway.ml.StandardScaler;
import org.spillway.ml.serve.ModelServer;
import org.spillway.ml.serve.Scoring;

/**
 * {@code ./spillway bench serve}: the flights pipeline (one-hot hour, dow, month, origin, dest; scaled logdist;
 * logistic regression) behind {@link ModelServer} on the loopback, with load from {@code java.net.http.HttpClient} on
 * virtual threads in the same JVM (so clients and server share the cores). For each scoring mode
 * ({@link Scoring#ROWS}, {@link Scoring#FRAME}): single-row requests at 1, 16 and 64 concurrent clients (requests per
 * second, p50 and p99 latency), then requests of {@code batchRows} rows from 8 clients (rows per second).
 */
public final class ServeBench {
    private static final String[] INPUTS = {"hour", "dow", "month", "origin", "dest", "logdist"};

    private ServeBench() {
    }

    /** Runs the benchmark: {@code seconds} per measurement after a warm-up of half as long. */
    public static int run(double seconds, List<Integer> clients, int batchRows, List<Scoring> modes, PrintStream out) throws Exception {
        return run(100_000, seconds, clients, batchRows, modes, out);
    }

    /** {@link #run(double, List, int, List, PrintStream)} with the model trained on {@code trainRows} rows. */
    public static int run(int trainRows, double seconds, List<Integer> clients, int batchRows, List<Scoring> modes, PrintStream out)
            throws Exception {
        PipelineModel model;
        List<String> bodies = new ArrayList<>();
        List<String> batchBodies = new ArrayList<>();
        try (Spillway sw = Spillway.builder().memoryLimit("256m").progress(false).build()) {
            DataFrame train = sw.generate(Flights.rows(trainRows).seed(1));
            model = new Pipeline(new OneHotEncoder().inputCols("hour", "dow", "month", "origin", "dest"),
                    new StandardScaler().inputCols("logdist"), new LogisticRegression().labelCol("label").maxIter(50)).fit(train);
            List<Row> rows = sw.generate(Flights.rows(Math.max(1000, batchRows * 8)).seed(2)).select(INPUTS).rows();
            for (int i = 0; i < 1000; i++) {
                bodies.add("{\"rows\": [" + json(rows.get(i)) + "]}");
            }
            for (int b = 0; b < 8; b++) {
                StringBuilder sb = new StringBuilder("{\"rows\": [");
                for (int i = 0; i < batchRows; i++) {
                    sb.append(i > 0 ? "," : "").append(json(rows.get(b * batchRows + i)));
                }
                batchBodies.add(sb.append("]}").toString());
            }
        }
        out.printf(Locale.ROOT, "serve bench: flights pipeline, %d cores, %.1f s per point, load generated in the same JVM%n",
                Runtime.getRuntime().availableProcessors(), seconds);
        out.printf(Locale.ROOT, "%-7s %-28s %12s %10s %10s%n", "scoring", "load", "throughput", "p50 ms", "p99 ms");
        HttpClient client = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        for (Scoring mode : modes) {
            try (ModelServer server = ModelServer.builder().model("flights", model).port(0).scoring(mode).start()) {
                String url = server.predictUrl("flights");
                for (int c : clients) {
                    load(client, url, bodies, c, seconds / 2);
                    Result r = load(client, url, bodies, c, seconds);
                    out.printf(Locale.ROOT, "%-7s %-28s %9.0f r/s %10.2f %10.2f%n", mode.name().toLowerCase(Locale.ROOT),
                            "1 row, " + c + " client" + (c == 1 ? "" : "s"), r.requests / r.seconds, r.p50, r.p99);
                }
                load(client, url, batchBodies, 8, seconds / 2);
                Result r = load(client, url, batchBodies, 8, seconds);
                out.printf(Locale.ROOT, "%-7s %-28s %7.0f rows/s %10.2f %10.2f%n", mode.name().toLowerCase(Locale.ROOT),
                        batchRows + " rows, 8 clients", r.requests * batchRows / r.seconds, r.p50, r.p99);
            }
        }
        return 0;
    }

    private static String json(Row r) {
        return String.format(Locale.ROOT, "{\"hour\":%d,\"dow\":%d,\"month\":%d,\"origin\":\"%s\",\"dest\":\"%s\",\"logdist\":%s}",
                r.getInt("hour"), r.getInt("dow"), r.getInt("month"), r.get("origin"), r.get("dest"), r.get("logdist"));
    }

    private record Result(long requests, double seconds, double p50, double p99) {
    }

    private static Result load(HttpClient client, String url, List<String> bodies, int clients, double seconds) throws Exception {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        AtomicLong errors = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<long[]>> fs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int seed = c;
                fs.add(pool.submit(() -> {
                    long[] lat = new long[1 << 16];
                    int n = 0;
                    int i = seed * 31;
                    while (System.nanoTime() < end) {
                        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i++ % bodies.size()))).build();
                        long t0 = System.nanoTime();
                        HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
                        long t = System.nanoTime() - t0;
                        if (r.statusCode() != 200) {
                            errors.incrementAndGet();
                            continue;
                        }
                        if (n == lat.length) {
                            lat = Arrays.copyOf(lat, n * 2);
                        }
                        lat[n++] = t;
                    }
                    return Arrays.copyOf(lat, n);
                }));
            }
            for (Future<long[]> f : fs) {
                latencies.add(f.get());
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " requests failed at " + clients + " clients");
        }
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        if (all.length == 0) {
            return new Result(0, elapsed, Double.NaN, Double.NaN);
        }
        return new Result(all.length, elapsed, all[(int) (all.length * 0.50)] / 1e6, all[Math.min(all.length - 1, (int) (all.length * 0.99))] / 1e6);
    }
}
