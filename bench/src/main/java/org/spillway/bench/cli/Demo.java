package org.spillway.bench.cli;

import static org.spillway.frame.Functions.asc;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.count;
import static org.spillway.frame.Functions.countDistinct;
import static org.spillway.frame.Functions.lag;
import static org.spillway.frame.Functions.mean;
import static org.spillway.frame.Functions.median;
import static org.spillway.frame.Functions.month;
import static org.spillway.frame.Functions.on;
import static org.spillway.frame.Functions.rowNumber;
import static org.spillway.frame.Functions.sum;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.spillway.datasets.Events;
import org.spillway.frame.DataFrame;
import org.spillway.frame.JoinType;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.frame.Window;
import org.spillway.frame.WindowSpec;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.datasets.Flights;
import org.spillway.datasets.GaussianBlobs;
import org.spillway.datasets.SyntheticRatings;
import org.spillway.ml.BinaryClassificationEvaluator;
import org.spillway.ml.BinaryMetrics;
import org.spillway.ml.Charts;
import org.spillway.ml.ClusteringEvaluator;
import org.spillway.ml.KMeans;
import org.spillway.ml.KMeansModel;
import org.spillway.ml.LogisticRegression;
import org.spillway.ml.LogisticRegressionModel;
import org.spillway.ml.OneHotEncoder;
import org.spillway.ml.Pipeline;
import org.spillway.ml.PipelineModel;
import org.spillway.ml.RegressionEvaluator;
import org.spillway.ml.Schedulers;
import org.spillway.ml.SearchSpace;
import org.spillway.ml.StandardScaler;
import org.spillway.ml.TuneResults;
import org.spillway.ml.Tuner;
import org.spillway.ml.recommendation.ALS;
import org.spillway.ml.recommendation.ALSModel;
import org.spillway.ml.serve.ModelServer;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.memory.MemoryBudget;

/**
 * {@code ./spillway demo}: generates an events data set at least four times larger than the
 * memory limit, reads it with a progress bar, runs a filter / derived column / count pipeline,
 * collects the whole set (which must spill), queries the collected frame (a group by, a join
 * with a small lookup table of countries, and window functions per user), writes it as Parquet
 * and queries the file lazily, trains a logistic regression on flight data about three times the memory limit,
 * serves it over HTTP (a model server on a free port, a few requests), clusters points with k-means and
 * factorises ratings with ALS, prints the timings and how much spilled, and deletes everything it wrote.
 */
final class Demo {
    private Demo() {
    }

    /** The lookup table of step 7: each of the events' 20 countries with a region and a VAT rate. */
    private static final List<Object[]> COUNTRIES = List.of(
            new Object[] {"US", "Americas", 0.0}, new Object[] {"CA", "Americas", 0.05}, new Object[] {"MX", "Americas", 0.16},
            new Object[] {"BR", "Americas", 0.17}, new Object[] {"DE", "Europe", 0.19}, new Object[] {"GB", "Europe", 0.20},
            new Object[] {"FR", "Europe", 0.20}, new Object[] {"IT", "Europe", 0.22}, new Object[] {"ES", "Europe", 0.21},
            new Object[] {"NL", "Europe", 0.21}, new Object[] {"SE", "Europe", 0.25}, new Object[] {"PL", "Europe", 0.23},
            new Object[] {"CH", "Europe", 0.081}, new Object[] {"AT", "Europe", 0.20}, new Object[] {"BE", "Europe", 0.21},
            new Object[] {"JP", "Asia-Pacific", 0.10}, new Object[] {"CN", "Asia-Pacific", 0.13},
            new Object[] {"IN", "Asia-Pacific", 0.18}, new Object[] {"KR", "Asia-Pacific", 0.10},
            new Object[] {"AU", "Asia-Pacific", 0.10});

    private record Timing(String step, double seconds, String result) {
    }

    static int run(Options o) throws Exception {
        long rows = o.count("rows", 5_000_000);
        String memory = o.get("memory", "64m");
        long limit = MemoryBudget.parseBytes(memory);
        String keep = o.named().get("keep");
        Path work = keep != null ? Files.createDirectories(Path.of(keep)) : Files.createTempDirectory("spillway-demo-");
        List<Timing> timings = new ArrayList<>();
        try {
            System.out.println("Spillway demo: an out-of-core, parallel dataframe for Java\n");
            Path data = Files.createDirectories(work.resolve("data"));
            System.out.printf(Locale.ROOT, "1. Generating %,d event rows as CSV in %s ...%n", rows, data);
            long bytes = time(timings, "generate CSV", () -> Events.rows(rows).seed(42).writeCsv(data, 4), b -> mb(b));
            System.out.printf(Locale.ROOT, "   %s of CSV in 4 files: %.1fx the memory limit of %s%n%n",
                    mb(bytes), (double) bytes / limit, MemoryBudget.formatBytes(limit));
            try (Spillway sw = Spillway.builder().memoryLimit(memory).spillDir(work.resolve("spill")).progress(true).build()) {
                DataFrame events = sw.readCsv(data + "/events-*.csv");
                System.out.println("2. sw.readCsv(\"" + data.getFileName() + "/events-*.csv\") is lazy: only a sample was read to infer the schema:");
                System.out.println(indent(events.schema().toString()) + "\n");

                DataFrame big = events
                        .filter(col("amount").gt(50).and(col("returned").not()))
                        .withColumn("total", col("amount").multiply(col("quantity")))
                        .select("id", "user", "country", "category", "quantity", "total");
                System.out.println("3. A filter / derived column / select pipeline; explain() shows the pushed-down columns:");
                System.out.println(indent(big.explainString()));
                long n = time(timings, "filter+derive+count (CSV)", big::count, c -> String.format(Locale.ROOT, "%,d rows", c));
                System.out.printf(Locale.ROOT, "   count() = %,d rows of %,d%n%n", n, rows);
                System.out.println("   show(10):");
                time(timings, "show(10) (CSV)", () -> {
                    big.show(10);
                    return 0;
                }, x -> "");

                System.out.println("\n4. collect() materialises all " + String.format(Locale.ROOT, "%,d", rows)
                        + " rows into chunks; past the budget they spill, LZ4-compressed, to disk:");
                DataFrame all = time(timings, "collect() all rows", events::collect, f -> "");
                System.out.println("   " + sw.memoryReport() + "\n");

                DataFrame recent = all.filter(col("id").gt(rows - 100_000));
                System.out.println("5. Queries on the collected frame read spilled chunks back as needed; a filter on"
                        + " 'id' skips chunks by their min/max statistics:");
                long r = time(timings, "filter on collected (skip)", recent::count, c -> String.format(Locale.ROOT, "%,d rows", c));
                System.out.printf(Locale.ROOT, "   id > %,d: %,d rows%n", rows - 100_000, r);
                long q = time(timings, "filter+count on collected", () -> all.filter(col("quantity").geq(9)
                        .and(col("country").eq("DE"))).count(), c -> String.format(Locale.ROOT, "%,d rows", c));
                System.out.printf(Locale.ROOT, "   quantity >= 9 and country = 'DE': %,d rows%n%n", q);

                System.out.println("6. A parallel group by over the spilled chunks (hash tables partitioned by key hash;"
                        + " they spill too when the budget is short):");
                DataFrame byCountry = all.groupBy("country").agg(count().as("orders"), sum("quantity").as("items"),
                        mean("amount").as("avg_amount"), median("amount").as("median_amount"), countDistinct("user").as("users"));
                DataFrame stats = time(timings, "group by country (collected)", byCountry::collect, f -> "");
                stats.show(25);
                System.out.println();

                System.out.println("7. A join: every order joined to a small lookup table of countries (region, VAT rate),"
                        + " then grouped by region; the small side is hashed, the big side streamed:");
                DataFrame countries = sw.createDataFrame(Schema.of(new Field("country", DataType.STRING),
                        new Field("region", DataType.STRING), new Field("vat", DataType.FLOAT64)), COUNTRIES);
                DataFrame byRegion = all.join(countries, on("country"), JoinType.INNER)
                        .withColumn("gross", col("amount").multiply(col("quantity")).multiply(col("vat").plus(1)))
                        .groupBy("region").agg(count().as("orders"), sum("quantity").as("items"),
                                sum("gross").as("gross_with_vat"))
                        .sort(asc("region"));
                DataFrame regions = time(timings, "join countries + group by", byRegion::collect, f -> "");
                regions.show(10);
                System.out.println();
                System.out.println("   " + sw.memoryReport());

                windows(all, timings);
                parquet(sw, events, all, rows, bytes, work, timings);
                delta(sw, all, work, timings);
            }
            train(o, memory, limit, work, timings);
            clusterAndRecommend(memory, work, timings);
            System.out.println("\n15. Timings (" + Runtime.getRuntime().availableProcessors() + " cores, memory limit "
                    + MemoryBudget.formatBytes(limit) + "):");
            for (Timing t : timings) {
                System.out.printf(Locale.ROOT, "   %-30s %8.2f s  %s%n", t.step(), t.seconds(), t.result());
            }
            return 0;
        } finally {
            if (keep == null) {
                deleteTree(work);
                System.out.println("\nCleaned up " + work);
            }
        }
    }

    /**
     * Step 8: window functions over the collected (spilled) events: per user, orders numbered by time, the previous
     * amount and the spend so far, with the month from a date function; sorted by (user, ts) out of core, then one pass.
     */
    private static void windows(DataFrame all, List<Timing> timings) throws Exception {
        System.out.println("\n8. Window functions: per user, orders numbered by time, the previous amount and the spend so far;"
                + " the rows are sorted by (user, ts) out of core, then streamed once:");
        WindowSpec w = Window.partitionBy("user").orderBy(asc("ts"), asc("id"));
        DataFrame perUser = all.select(col("user"), col("ts"), month(col("ts")).as("month"), col("amount"),
                rowNumber().over(w).as("n"), lag("amount", 1).over(w).as("prev_amount"),
                sum("amount").over(w.rowsBetween(Window.unboundedPreceding, Window.currentRow)).as("spend_so_far"));
        System.out.println(indent(perUser.explainString()));
        DataFrame windowed = time(timings, "window: row_number/lag/sum", perUser::collect,
                f -> String.format(Locale.ROOT, "%,d rows", f.count()));
        windowed.filter(col("n").leq(3)).sort(asc("user"), asc("n")).show(6);
        windowed.unpersist();
    }

    /**
     * Step 9: the collected events written as one Parquet file ({@code writeParquet}, default options),
     * read back lazily ({@code readParquet}), and a selective filter + group by run on it and on the CSV
     * files: its plan (the Parquet scan with the pushed filter), the {@code parquet.*} counters it moved
     * (row groups skipped, ...), the sizes on disk and both query times.
     */
    private static void parquet(Spillway sw, DataFrame csv, DataFrame all, long rows, long csvBytes, Path work,
                                List<Timing> timings) throws Exception {
        System.out.println("\n9. Parquet: all.writeParquet(...) writes the collected frame as one file (ZSTD by default);"
                + " sw.readParquet(...) reads it back lazily:");
        Path file = work.resolve("events.parquet");
        long bytes = time(timings, "writeParquet (collected)", () -> {
            all.writeParquet(file, ParquetWriteOptions.defaults());
            return Files.size(file);
        }, b -> mb(b));
        System.out.printf(Locale.ROOT, "   %s of Parquet for %s of CSV (%.1fx smaller)%n", mb(bytes), mb(csvBytes), (double) csvBytes / bytes);
        long cutoff = rows - rows / 20; // the last 5% of ids: row groups of smaller ids are skipped by their statistics
        java.util.function.UnaryOperator<DataFrame> query = f -> f.filter(col("id").gt(cutoff).and(col("country").eq("DE")))
                .groupBy("category").agg(count().as("orders"), sum("quantity").as("items"), mean("amount").as("avg_amount"))
                .sort(asc("category"));
        DataFrame onParquet = query.apply(sw.readParquet(file));
        System.out.printf(Locale.ROOT, "   id > %,d and country = 'DE', grouped by category; explain() shows what the scan was given:%n", cutoff);
        System.out.println(indent(onParquet.explainString()));
        java.util.Map<String, Long> before = sw.counters();
        DataFrame fromParquet = time(timings, "filter+group by (Parquet)", onParquet::collect, f -> "");
        java.util.Map<String, Long> after = sw.counters();
        double parquetSeconds = timings.getLast().seconds();
        DataFrame fromCsv = time(timings, "filter+group by (CSV)", query.apply(csv)::collect, f -> "");
        double csvSeconds = timings.getLast().seconds();
        fromParquet.show(12);
        StringBuilder moved = new StringBuilder();
        for (var e : new java.util.TreeMap<>(after).entrySet()) {
            long delta = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (e.getKey().startsWith("parquet.") && delta != 0) {
                moved.append(moved.isEmpty() ? "" : ", ").append(e.getKey()).append('=').append(delta);
            }
        }
        System.out.println("   counters of this query: " + (moved.isEmpty() ? "(no parquet.* counter moved)" : moved));
        boolean same = fromParquet.select("category", "orders", "items").rows()
                .equals(fromCsv.select("category", "orders", "items").rows());
        System.out.printf(Locale.ROOT, "   the same query: %.2f s on %s of Parquet, %.2f s on %s of CSV; %s%n", parquetSeconds, mb(bytes),
                csvSeconds, mb(csvBytes), same ? "the same groups, orders and items" : "DIFFERENT RESULTS");
        fromParquet.unpersist();
        fromCsv.unpersist();
        if (!same) {
            throw new IllegalStateException("the query's answers on Parquet and on CSV differ");
        }
    }

    /**
     * Step 10: the collected events as a Delta Lake table with deletion vectors: written, returned orders
     * deleted (a deletion vector per touched file, the data files untouched), a country renamed
     * (update), the first version read back by time travel, and the history.
     */
    private static void delta(Spillway sw, DataFrame all, Path work, List<Timing> timings) throws Exception {
        System.out.println("\n10. Tables: the events as a Delta Lake table (Parquet files + a _delta_log/ of JSON commits),"
                + " then a delete, an update, time travel and the history:");
        Path table = work.resolve("lake/events");
        // from the collected (spilled) events: writing straight from a Parquet scan at the demo's tiny budget
        // can run the reader and the writer out of budget together (the memory-policy issue)
        DataFrame lake = all;
        time(timings, "writeDelta (version 0)", () -> {
            lake.writeDelta(table, org.spillway.frame.delta.SaveMode.APPEND, org.spillway.frame.delta.DeltaWriteOptions.defaults()
                    .withProperties(java.util.Map.of("delta.enableDeletionVectors", "true")));
            return 0;
        }, x -> "");
        var t = org.spillway.frame.delta.DeltaTable.forPath(sw, table);
        long deleted = time(timings, "delete returned (DVs)", () -> t.delete(col("returned")), d -> String.format(Locale.ROOT,
                "%,d rows", d));
        long updated = time(timings, "update GB -> UK", () -> t.update(col("country").eq("GB"),
                java.util.Map.of("country", org.spillway.frame.Functions.lit("UK"))), u -> String.format(Locale.ROOT, "%,d rows", u));
        long now = t.toDF().count();
        long then = t.asOfVersion(0).count();
        System.out.printf(Locale.ROOT, "   t.delete(col(\"returned\")) deleted %,d rows; t.update(country = 'GB' -> 'UK') %,d rows;%n"
                + "   the table now has %,d rows (version %d); t.asOfVersion(0).count() = %,d. t.history():%n",
                deleted, updated, now, t.version(), then);
        t.history().select("version", "timestamp", "operation", "operationMetrics").show(5);
        if (then - deleted != now) {
            throw new IllegalStateException("the table's rows after the delete do not add up: " + then + " - " + deleted + " != " + now);
        }
    }

    /**
     * Step 11: a logistic regression on flight-delay data about three times the memory limit, one-hot
     * encoded in a pipeline, trained by L-BFGS streaming the spilled chunks on every pass; then its
     * test AUC, log loss and summary, and (with --keep) ROC and loss-curve charts.
     */
    /**
     * Step 14: k-means on Gaussian blobs with known centres, and ALS on synthetic low-rank ratings, both generated
     * into the session and trained from its (spilling) chunk store.
     */
    private static void clusterAndRecommend(String memory, Path work, List<Timing> timings) throws Exception {
        System.out.println("\n14. Clustering and recommendations: k-means on 400,000 points around 6 known centres, and ALS on"
                + " 500,000 ratings of 20,000 users x 2,000 items (rank 8 plus noise 0.5), trained out of core:");
        try (Spillway sw = Spillway.builder().memoryLimit(memory).spillDir(work.resolve("spill")).progress(false).build()) {
            GaussianBlobs blobs = new GaussianBlobs(6, 4, 400_000, 3);
            DataFrame points = sw.generate(blobs);
            KMeansModel km = time(timings, "k-means (k-means||, k=6)", () -> new KMeans().k(6).seed(1).maxIter(30)
                    .featuresCols("x0", "x1", "x2", "x3").fit(points), m -> String.format(Locale.ROOT, "%d iterations",
                    m.summary().numIter()));
            double silhouette = new ClusteringEvaluator().featuresCols("x0", "x1", "x2", "x3")
                    .evaluate(km.transform(points)).silhouette();
            double worst = 0;
            for (double[] truth : blobs.centers()) {
                double best = Double.MAX_VALUE;
                for (double[] c : km.clusterCenters()) {
                    double d = 0;
                    for (int j = 0; j < c.length; j++) {
                        d += (c[j] - truth[j]) * (c[j] - truth[j]);
                    }
                    best = Math.min(best, Math.sqrt(d));
                }
                worst = Math.max(worst, best);
            }
            System.out.printf(Locale.ROOT, "   k-means: cost %.4g, cluster sizes %s, silhouette %.3f; every true centre within %.3f"
                    + " of a found one%n", km.summary().trainingCost(), java.util.Arrays.toString(km.summary().clusterSizes()),
                    silhouette, worst);

            DataFrame[] parts = sw.generate(new SyntheticRatings(20_000, 2_000, 8, 0.5, 7).ratings(500_000))
                    .randomSplit(new double[] {0.8, 0.2}, 1);
            ALSModel als = time(timings, "ALS (rank 8, 10 iterations)", () -> new ALS().userCol("user").itemCol("item")
                    .ratingCol("rating").rank(8).maxIter(10).regParam(0.05).seed(1).coldStartStrategy("drop").fit(parts[0]),
                    m -> "");
            double rmse = new RegressionEvaluator().labelCol("rating").metricName("rmse").metric(als.transform(parts[1]));
            System.out.printf(Locale.ROOT, "   ALS: test RMSE %.4f (the noise is 0.5); the top 3 items of the first users:%n", rmse);
            als.recommendForAllUsers(3).show(6);
            System.out.println("   " + sw.memoryReport());
        }
    }

    private static void train(Options o, String memory, long limit, Path work, List<Timing> timings) throws Exception {
        long trainRows = o.count("train-rows", Math.max(200_000, 3 * limit / 32)); // ~32 bytes a row once encoded
        System.out.printf(Locale.ROOT, "%n11. Machine learning: a logistic regression on %,d flights (hour, weekday, month, origin, "
                + "dest, log distance -> delayed?), about 3x the memory limit, trained out of core:%n", trainRows);
        try (Spillway sw = Spillway.builder().memoryLimit(memory).spillDir(work.resolve("spill")).progress(true).build()) {
            DataFrame train = sw.generate(Flights.rows(trainRows).seed(1));
            DataFrame test = sw.generate(Flights.rows(Math.max(50_000, trainRows / 4)).seed(2));
            Pipeline pipeline = new Pipeline(
                    new OneHotEncoder().inputCols("hour", "dow", "month", "origin", "dest"),
                    new StandardScaler().inputCols("logdist"),
                    new LogisticRegression().labelCol("label").maxIter(50).regParam(1e-4));
            PipelineModel model = time(timings, "fit one-hot + logistic", () -> pipeline.fit(train), m -> "");
            LogisticRegressionModel lr = model.last(LogisticRegressionModel.class);
            BinaryMetrics metrics = time(timings, "evaluate on the test set", () -> new BinaryClassificationEvaluator()
                    .labelCol("label").evaluate(model.transform(test)), m -> String.format(Locale.ROOT, "AUC %.4f", m.auc()));
            System.out.printf(Locale.ROOT, "   test AUC %.4f, log loss %.4f, accuracy %.4f at threshold 0.5%n", metrics.auc(),
                    metrics.logLoss(), metrics.accuracy());
            System.out.println(indent(lr.summaryString(12)));
            System.out.println("   " + sw.memoryReport());
            if (o.named().containsKey("keep")) {
                Charts.rocCurve(metrics, work.resolve("roc.png"));
                Charts.lossCurve(lr.summary().objectiveHistory(), work.resolve("loss.png"));
                model.save(work.resolve("model.json"));
                System.out.println("   wrote " + work.resolve("roc.png") + ", " + work.resolve("loss.png") + " and "
                        + work.resolve("model.json"));
            }
            serve(model, test, timings);
            tune(train, test, timings);
        }
    }

    /**
     * Step 13: a hyperparameter search on the same flights: 8 trials of regParam and batch size for an SGD logistic
     * regression in the same pipeline, 2 at a time, under ASHA, which stops the trials that fall behind at its rungs;
     * the trials' table and the epochs run against the 8 x 6 a search without early stopping runs.
     */
    private static void tune(DataFrame train, DataFrame validation, List<Timing> timings) throws Exception {
        System.out.println("\n13. Hyperparameter search: new Tuner(pipeline factory, log loss).space(regParam, batchSize)"
                + ".numSamples(8).scheduler(Schedulers.asha()), 2 trials at a time on up to 200,000 of the training flights:");
        SearchSpace space = SearchSpace.builder().loguniform("regParam", 1e-6, 1e-1).choice("batchSize", 256, 1024).build();
        TuneResults results = time(timings, "tune 8 trials (ASHA)", () -> new Tuner(p -> new Pipeline(
                        new OneHotEncoder().inputCols("hour", "dow", "month", "origin", "dest"),
                        new StandardScaler().inputCols("logdist"),
                        new LogisticRegression().labelCol("label").solver("sgd").regParam(p.getDouble("regParam"))
                                .batchSize(p.getInt("batchSize")).maxIter(6)),
                        new BinaryClassificationEvaluator().labelCol("label").metricName("logLoss"))
                        .space(space).numSamples(8).seed(1).maxConcurrentTrials(2)
                        .scheduler(Schedulers.asha().maxT(6).gracePeriod(1).reductionFactor(3))
                        .fit(train.limit(200_000), validation),
                r -> String.format(Locale.ROOT, "best log loss %.4f", r.best().metric()));
        System.out.println(indent(results.toString()));
        System.out.printf(Locale.ROOT, "   %d epochs run of the 48 that 8 trials x 6 epochs take without early stopping;"
                + " best %s, validation log loss %.4f%n", results.totalIterations(), results.best().params(), results.best().metric());
    }

    /**
     * Step 12: the fitted pipeline behind HTTP: a {@link ModelServer} on a free port of the loopback, three single-row
     * JSON requests sent with {@link HttpClient} (their answers and latencies printed), then 200 more for the latency's
     * percentiles and one request of 1,000 rows, whose predictions are checked against {@code transform} on the same
     * rows; then a graceful stop.
     */
    private static void serve(PipelineModel model, DataFrame test, List<Timing> timings) throws Exception {
        System.out.println("\n12. Serving: the fitted pipeline behind HTTP, ModelServer.builder().model(\"flights\", model).port(0)"
                + ".start() (port 0: a free port), queried with java.net.http.HttpClient:");
        String[] inputs = {"hour", "dow", "month", "origin", "dest", "logdist"};
        DataFrame sample = test.limit(1_000).collect();
        List<Row> rows = sample.select(inputs).rows();
        double[] expected = model.transform(sample).doubleColumn("probability");
        sample.unpersist();
        ObjectMapper json = new ObjectMapper();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        try (ModelServer server = ModelServer.builder().model("flights", model).port(0).start()) {
            URI predict = URI.create(server.predictUrl("flights"));
            java.util.function.Function<List<Row>, String> body = batch -> {
                ObjectNode b = json.createObjectNode();
                ArrayNode arr = b.putArray("rows");
                for (Row r : batch) {
                    ObjectNode o = arr.addObject();
                    for (String c : inputs) {
                        o.set(c, json.valueToTree(r.get(c)));
                    }
                }
                return b.toString();
            };
            for (int i = 0; i < 3; i++) {
                String request = body.apply(rows.subList(i, i + 1));
                long t0 = System.nanoTime();
                JsonNode answer = post(client, predict, request, json);
                double ms = (System.nanoTime() - t0) / 1e6;
                System.out.printf(Locale.ROOT, "   POST %s%n     %s%n     -> %s   (%.1f ms%s)%n", predict.getPath(), request,
                        answer.get("predictions").get(0), ms, i == 0 ? ", the first request warms the server up" : "");
            }
            int n = 200;
            double[] latencies = new double[n];
            time(timings, "serve: 200 one-row requests", () -> {
                for (int i = 0; i < n; i++) {
                    String request = body.apply(rows.subList(i % rows.size(), i % rows.size() + 1));
                    long t0 = System.nanoTime();
                    post(client, predict, request, json);
                    latencies[i] = (System.nanoTime() - t0) / 1e6;
                }
                java.util.Arrays.sort(latencies);
                return latencies;
            }, l -> String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms", l[n / 2], l[n * 99 / 100]));
            System.out.printf(Locale.ROOT, "   %d more one-row requests, one after another: latency p50 %.2f ms, p99 %.2f ms%n", n,
                    latencies[n / 2], latencies[n * 99 / 100]);
            JsonNode batch = time(timings, "serve: one request of 1,000 rows", () -> post(client, predict, body.apply(rows), json)
                    .get("predictions"), a -> String.format(Locale.ROOT, "%,d predictions", a.size()));
            double worst = 0;
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs(batch.get(i).get("probability").doubleValue() - expected[i]));
            }
            System.out.printf(Locale.ROOT, "   one request of %,d rows: %.1f ms; its probabilities differ from model.transform(...) on the same"
                    + " rows by at most %.1g%n", batch.size(), timings.getLast().seconds() * 1e3, worst);
            if (batch.size() != expected.length || worst > 1e-9) {
                throw new IllegalStateException("the served predictions differ from transform: " + batch.size() + " rows, " + worst);
            }
            boolean drained = server.stop(Duration.ofSeconds(5));
            System.out.println("   server.stop(5 s): " + (drained ? "drained and stopped" : "stopped with requests in flight"));
        }
    }

    private static JsonNode post(HttpClient client, URI uri, String body, ObjectMapper json) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("the model server answered " + r.statusCode() + ": " + r.body());
        }
        return json.readTree(r.body());
    }

    private static <T> T time(List<Timing> timings, String step, Callable<T> work, java.util.function.Function<T, String> describe)
            throws Exception {
        long t0 = System.nanoTime();
        T v = work.call();
        timings.add(new Timing(step, (System.nanoTime() - t0) / 1e9, describe.apply(v)));
        return v;
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    private static String indent(String s) {
        return "   " + s.strip().replace("\n", "\n   ");
    }

    static void deleteTree(Path root) throws IOException {
        org.spillway.frame.io.FileSpecs.deleteTree(root);
    }
}
