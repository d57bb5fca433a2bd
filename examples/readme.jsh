// The README's JShell session, exactly as written there (CI runs it: ./spillway shell examples/readme.jsh).
// Run from the repository root; it writes data/ and out/ and deletes them at the end.
org.spillway.datasets.Events.rows(4_000_000).writeCsv(Path.of("data"), 4);  // 230 MB of CSV in data/
var sw = Spillway.builder().memoryLimit("1g").spillDir("/tmp/spillway").build();

var events = sw.readCsv("data/events-*.csv");          // lazy: only a sample is read for the schema
events.schema();                                         // id: int32, user: string, amount: float64 ...

var big = events.filter(col("amount").gt(50).and(col("returned").not()))
                .withColumn("total", col("amount").multiply(col("quantity")))
                .select("id", "user", "country", "total");
big.explain();                                           // columns pushed into the scan, fused filter
big.count();                                             // parallel; parses only the 5 columns used
big.show(10);                                            // an aligned table, "showing the first 10 rows"

var all = events.collect();                              // materialised chunks; spills past the budget
all.filter(col("id").gt(3_900_000)).count();             // skips chunks by their min/max statistics
all.filter(col("country").eq("DE")).writeCsv("out/de.csv");
var byCountry = events.groupBy("country")
        .agg(count().as("orders"), sum("quantity").as("items"), mean("amount").as("avg_amount"),
             median("amount").as("median_amount"), countDistinct("user").as("users"));
byCountry.show(25);                                      // group order is unspecified, as in SQL
events.agg(min("ts"), max("ts"), corr("amount", "quantity")).show();   // one row for the whole frame
events.groupBy("country").topK(2, desc("amount")).show(); // the two largest amounts per country
events.dropDuplicates("user").count();                   // first row per user, all columns kept
events.describe().show();                                // per column: count, nulls, distinct, min, max, mean, quartiles
events.na().fill(0).count();                             // nulls (and NaN in float64) of numeric columns set to 0
events.na().drop("any", "amount", "quantity").count();   // rows with a missing amount or quantity dropped
events.fillna(Map.of("category", "unknown")).filter(col("category").isNull()).count();   // 0
var wide = events.groupBy("category").pivot("country", List.of("US", "DE", "FR")).agg(sum("quantity"));
wide.show();                                             // category | US | DE | FR
wide.unpivot(List.of("category"), List.of("US", "DE", "FR"), "country", "quantity").count(); // 36 rows
all.sample(0.01, 7).count();                             // about 40,000 rows; the same for the same seed
events.printSchema();                                    // root |-- id: int64 (nullable = true) ...
var regions = sw.createDataFrame(Schema.of(new Field("country", DataType.STRING), new Field("region", DataType.STRING)),
        List.of(new Object[] {"DE", "EU"}, new Object[] {"FR", "EU"}, new Object[] {"US", "NA"}, new Object[] {"JP", "APAC"}));
events.join(regions, "country").groupBy("region").agg(count().as("orders")).show();   // inner join
events.join(regions, on("country"), JoinType.ANTI).select("country").distinct().count(); // 16 countries without a region
byCountry.join(events.groupBy("country").agg(max("amount").as("max_amount")), on("country"), JoinType.LEFT).show(5);
all.join(events.select(col("id"), col("amount").as("amount2")), on(col("id"), col("id")), JoinType.FULL).count(); // 4M pairs
var bands = sw.createDataFrame(Schema.of(new Field("band", DataType.STRING), new Field("lo", DataType.FLOAT64),
        new Field("hi", DataType.FLOAT64)), List.of(new Object[] {"low", 0.0, 20.0}, new Object[] {"mid", 20.0, 100.0},
        new Object[] {"high", 100.0, 200.0}));
events.join(bands, col("amount").geq(col("lo")).and(col("amount").lt(col("hi"))), JoinType.LEFT)
        .groupBy("band").agg(count().as("orders")).show();  // a nested loop over 3 bands; null amount: null band
events.join(byCountry, on("country").and(col("amount").gt(col("avg_amount").multiply(1.9))), JoinType.SEMI).count();
var ranked = events.sort(asc("country"), desc("amount").nullsFirst(), asc("id"));
ranked.show(5);                                          // needs 6 rows, so it runs as a top-k
ranked.writeCsv("out/ranked.csv");                       // the full sort: sorted runs spill, then merge
events.sort(desc("amount")).limit(10).show();            // top-k: each worker keeps its best 10 rows
events.orderBy(desc(col("amount").multiply(col("quantity")))).limit(3).show(); // by an expression
var recent = events.filter(col("id").gt(3_990_000));
recent.union(recent.limit(5)).count();                   // 10005: UNION ALL, columns by position
recent.select("user", "id").unionByName(recent.select("id", "user")).count(); // 20000: by name
var w = Window.partitionBy("user").orderBy(asc("ts"));
var spend = events.withColumn("n", rowNumber().over(w))          // 1, 2, 3, ... per user, by time
        .withColumn("r", rank().over(w)).withColumn("dr", denseRank().over(w))
        .withColumn("prev", lag("amount", 1).over(w))              // null on a user's first row
        .withColumn("next", lead("amount", 1, 0.0).over(w))        // 0.0 on a user's last row
        .withColumn("running", sum("amount").over(w.rowsBetween(Window.unboundedPreceding, Window.currentRow)))
        .withColumn("spend7", sum("amount").over(w.rowsBetween(-6, 0)))   // this row and the six before
        .withColumn("share", col("amount").divide(sum("amount").over(Window.partitionBy("user"))));
spend.explain();                                         // Window nodes: one for w (one sort), one for the share
spend.filter(col("user").eq("u1")).show(5);
events.withColumn("r", rowNumber().over(Window.partitionBy("country").orderBy(desc("amount"))))
        .filter(col("r").leq(2)).count();                // 40: db-benchmark q8 as a window, as topK(2, desc("amount"))
var byTime = Window.partitionBy("user").orderBy("ts");                    // ts: a timestamp
events.withColumn("spend7d", sum("amount").over(byTime.rangeBetween(java.time.Duration.ofDays(-7), java.time.Duration.ZERO)))
      .withColumn("near", count().over(Window.partitionBy("country").orderBy(desc("amount")).rangeBetween(-10, 10)))
      .withColumn("sd7", std("amount").over(w.rowsBetween(-6, 0)))        // var, varPop, std, stdPop
      .withColumn("med", median("amount").over(w.rowsBetween(-30, 0)))    // quantile(col, q) too
      .withColumn("kinds", countDistinct("category").over(w))             // first, last, firstRow, ...
      .withColumn("cd", cumeDist().over(w))
      .withColumn("open", firstValue("amount").over(w))                   // lastValue, nthValue(col, n), ignoreNulls
      .withColumn("lastSeen", lastValue("amount", true).over(w.rowsBetween(Window.unboundedPreceding, 0)))
      .show(5);
var returns = events.filter(col("returned")).select(col("user"), col("ts").as("returned_ts"), col("amount").as("refund"));
var lastReturn = events.joinAsof(returns, on("user"), "ts", "returned_ts");  // each event, with the user's latest
lastReturn.explain();                                    // return at or before it (or nulls): AsofJoin BACKWARD on ...
lastReturn.filter(col("refund").isNotNull()).count();
events.joinAsof(returns, on("user"), "ts", "returned_ts",   // the user's first return strictly after the event, within a week
        AsofOptions.forward().tolerance(Duration.ofDays(7)).allowExactMatches(false))
        .filter(col("refund").isNotNull()).count();
events.writeParquet("data/events-parquet");              // a directory of part files, ZSTD, encoded in parallel
var lake = sw.readParquet("data/events-parquet");         // lazy: only the footers are read
lake.count();                                            // 4000000, from the footers: no page is read
var late = lake.filter(col("id").gt(3_990_000));
late.explain();                                          // ParquetScan ... columns=[...] pushed=(id > 3990000)
late.count();                                            // 10000; row groups whose min/max exclude it are skipped
sw.counters();                                           // parquet.rowGroupsSkipped=..., parquet.rowGroupsRead=...
lake.groupBy("country").agg(count().as("orders")).show(5);
events.select("id", "country", "amount").writeParquet(Path.of("out/by-country"),
        ParquetWriteOptions.defaults().withPartitionBy("country").withCodec(ParquetWriteOptions.Codec.SNAPPY));
sw.readParquet("out/by-country").filter(col("country").eq("DE")).count(); // reads only country=DE/
var priced = lake.select(col("id"), col("amount").cast(DataType.decimal(10, 2)).as("price"));  // exact decimals
priced.filter(col("price").gt(new BigDecimal("99.995"))).agg(sum("price")).show();  // sum: decimal(18,2), exact
priced.writeParquet("out/priced.parquet");               // DECIMAL(10,2), as Spark and DuckDB read it
lake.writeDelta(Path.of("out/events-delta"), SaveMode.APPEND,  // version 0: Parquet files + a _delta_log/ of commits
        DeltaWriteOptions.defaults().withProperties(Map.of("delta.enableDeletionVectors", "true")));
lake.filter(col("country").eq("DE")).writeDelta("out/events-delta");   // version 1: an append, one atomic commit
var t = DeltaTable.forPath(sw, "out/events-delta");
t.delete(col("returned"));                               // version 2: deletion vectors, the data files stay
t.update(col("country").eq("GB"), Map.of("country", lit("UK")));      // version 3
var fixes = lake.filter(col("id").lt(1000)).select(col("id"), col("amount").multiply(2).as("amount"));
t.merge(fixes, on("id")).whenMatched().update(Map.of("amount", col("source.amount"))).execute();  // version 4
t.version();                                             // 4
t.asOfVersion(0).count();                                // 4000000: time travel (also asOfTimestamp)
t.history().show();                                      // version, timestamp, operation, metrics
sw.readDelta("out/events-delta").filter(col("id").lt(100)).count(); // latest version, Parquet pushdown
t.restoreToVersion(1);                                   // version 5: the rows of version 1 again
t.optimize();                                            // version 6: small files compacted per partition, DVs folded
t.renameColumn("amount", "total");                       // version 7: column mapping turned on, no data rewritten
t.changes(2, 3).show();                                  // the change feed: _change_type, _commit_version, ...
lake.writeDelta("out/events-uniform");                   // a Delta table, version 0
var u = DeltaTable.forPath(sw, "out/events-uniform");
u.enableIceberg();                                       // version 1: an Iceberg table too (metadata/v2.metadata.json)
u.delete(col("returned"));                               // version 2: files rewritten; Delta and Iceberg both see it
var orders = sw.readIceberg("out/events-uniform");       // the current snapshot, lazy, Parquet pushdown
orders.count() == u.toDF().count();                      // true
var it = IcebergTable.forPath(sw, "out/events-uniform");
it.snapshotIds();                                        // two: one per Delta version that changed files (1 and 2)
it.asOfSnapshot(it.snapshotIds().getFirst()).count();    // 4000000: time travel by snapshot id (or asOfTimestamp)
it.history().show();                                     // snapshot id, parent, timestamp, operation, summary
var rides = sw.readHudi("frame/src/test/resources/hudi-golden/cow_part");  // a Hudi table Spark wrote, in this repository
var ht = HudiTable.forPath(sw, "frame/src/test/resources/hudi-golden/cow_part");
List<String> commits = ht.commits();                     // completed instants (yyyyMMddHHmmssSSS), oldest first
ht.asOfCommit(commits.get(0)).count();                   // time travel
ht.changesSince(commits.get(0)).count();                 // incremental: rows with _hoodie_commit_time after it
sw.close();                                              // deletes spill files, checks for leaks

import org.spillway.ml.*;
org.spillway.datasets.Flights.rows(1_000_000).seed(1).writeCsv(Path.of("train.csv"));   // flight delays, 42 MB
org.spillway.datasets.Flights.rows(250_000).seed(2).writeCsv(Path.of("test.csv"));
var sw = Spillway.builder().memoryLimit("16m").build();  // smaller than the encoded training set: it spills

var train = sw.readCsv("train.csv");           // label 0/1, categorical and numeric columns
var test  = sw.readCsv("test.csv");
var pipeline = new Pipeline(
    new OneHotEncoder().inputCols("hour", "dow", "month", "origin", "dest"),
    new StandardScaler().inputCols("logdist"),
    new LogisticRegression().labelCol("label").maxIter(200).regParam(0.0));
var model = pipeline.fit(train);
var ev = new BinaryClassificationEvaluator().labelCol("label");
ev.evaluate(model.transform(test)).auc();
ev.evaluate(model.transform(train)).logLoss();
model.save("model.json");

var lr = model.last(LogisticRegressionModel.class);
lr.printSummary();                                       // iterations, objective, coefficients by feature
lr.coefficient("origin=JFK");                            // one-hot features are named column=category
var scored = PipelineModel.load("model.json").transform(test);   // adds rawPrediction, probability, prediction
ev.evaluate(scored).confusion().show();
Charts.rocCurve(ev.evaluate(scored), Path.of("roc.png"));
Charts.lossCurve(lr.summary().objectiveHistory(), Path.of("loss.png"));
model.transformRow(Map.of("hour", 18, "dow", 5, "month", 12, "origin", "ORD", "dest", "SFO", "logdist", 7.6)).get("probability");
new LinearRegression().labelCol("logdist").featuresCols("hour", "month").regParam(0.1).elasticNetParam(1.0)
    .fit(train).coefficientMap();                        // lasso: exact zeros for dropped features
new LogisticRegression().solver("sgd").maxIter(5).batchSize(1024).stepSize(0.05).featuresCols("logdist").fit(train).summary();
sw.close();

var sw = Spillway.builder().memoryLimit("64m").build();
var train = sw.generate(org.spillway.datasets.Flights.rows(50_000).seed(1));
var valid = sw.generate(org.spillway.datasets.Flights.rows(20_000).seed(2));
var encoder = new OneHotEncoder().inputCols("hour", "dow", "month", "origin", "dest");  // the same in every trial: fitted once
var scaler = new StandardScaler().inputCols("logdist");
var space = SearchSpace.builder().loguniform("regParam", 1e-6, 1e-1).choice("batchSize", 512, 2048).build();
var results = new Tuner(p -> new Pipeline(encoder, scaler, new LogisticRegression().labelCol("label").solver("sgd")
            .regParam(p.getDouble("regParam")).batchSize(p.getInt("batchSize")).maxIter(9)),
        new BinaryClassificationEvaluator().labelCol("label").metricName("logLoss"))
    .space(space).numSamples(12).seed(1)
    .scheduler(Schedulers.asha().maxT(9).gracePeriod(1).reductionFactor(3))   // or fifo(), hyperband()
    .maxConcurrentTrials(2)
    .checkpointDir(Files.createTempDirectory("tune"))  // a killed run resumes with Tuner.restore(dir, factory, evaluator)
    .fit(train, valid);
results.best().params();                                 // {regParam=..., batchSize=...}
results.best().metric();                                 // validation log loss, about 0.46
results.table().show();                                  // trial, regParam, batchSize, logLoss, iterations, status
results.totalIterations();                               // epochs run: far fewer than 12 x 9 for FIFO
Charts.trials(results, Path.of("trials.png"));           // validation log loss per epoch, one line per trial
sw.close();

var blobs = new org.spillway.datasets.GaussianBlobs(5, 3, 1_000_000, 7);  // 5 clusters in 3 dimensions, known centres
var sw = Spillway.builder().memoryLimit("16m").build();  // 24 MB of features: the passes read spilled chunks
var points = sw.generate(blobs);                         // x0, x1, x2 (float64) and the true cluster; no file
var km = new KMeans().k(5).seed(1).maxIter(50).tol(1e-4).featuresCols("x0", "x1", "x2").fit(points);
km.clusterCenters();                                     // close to blobs.centers(), in another order
km.summary().trainingCost();                             // about 3e6: rows x dims x clusterStd^2
km.summary().clusterSizes();                             // about 200,000 each
var clustered = km.transform(points);                    // adds prediction (int32): the nearest centre
new ClusteringEvaluator().featuresCols("x0", "x1", "x2").evaluate(clustered).silhouette();  // about 0.9
km.save("kmeans.json");
KMeansModel.load("kmeans.json").predict(1.0, -2.0, 3.0); // the cluster of one point
sw.close();

import org.spillway.ml.recommendation.*;
var sw = Spillway.builder().memoryLimit("32m").build();  // the ratings (16 MB) are stored twice more, sorted: they spill
var g = new org.spillway.datasets.SyntheticRatings(10_000, 1_000, 10, 0.5, 7).ratings(1_000_000);  // rank 10 plus noise 0.5
var parts = sw.generate(g).randomSplit(new double[] {0.8, 0.2}, 1);
var als = new ALS().userCol("user").itemCol("item").ratingCol("rating")
        .rank(10).maxIter(10).regParam(0.05).seed(1).coldStartStrategy("drop");
var model = als.fit(parts[0]);
new RegressionEvaluator().labelCol("rating").metricName("rmse").metric(model.transform(parts[1]));  // near the noise, 0.5
model.recommendForAllUsers(5).show(5);                   // user, item, rating, rank: five rows per user, best first
model.itemFactors().show(3);                             // id, f0 .. f9
model.save("als.json");
ALSModel.load("als.json").predict(42, 7);                // a loaded model predicts; recommendForAllUsers(sw, 5) needs a session
sw.spilledBytes() > 0;                                  // true
sw.close();

import org.spillway.ml.serve.*;
import java.net.http.*;
var sw = Spillway.builder().memoryLimit("256m").build();
var model = new Pipeline(new OneHotEncoder().inputCols("hour", "dow", "month", "origin", "dest"),
        new StandardScaler().inputCols("logdist"),
        new LogisticRegression().labelCol("label").maxIter(50))
        .fit(sw.generate(org.spillway.datasets.Flights.rows(50_000).seed(1)));
var server = ModelServer.builder().model("flights", model).port(0).start();   // port 0: a free port
server.predictUrl("flights");                              // http://127.0.0.1:<port>/v1/models/flights/predict
var client = HttpClient.newHttpClient();
var answer = client.send(HttpRequest.newBuilder(java.net.URI.create(server.predictUrl("flights")))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("""
            {"rows": [{"hour": 18, "dow": 5, "month": 7, "origin": "ORD", "dest": "LGA", "logdist": 6.6},
                      {"hour": 7, "dow": 2, "month": 10, "origin": "SLC", "dest": "BOI", "logdist": 5.9}]}"""))
        .build(), HttpResponse.BodyHandlers.ofString());
answer.statusCode();                                       // 200
answer.body();   // {"model":"flights","version":1,"predictions":[{"rawPrediction":0.22..,"probability":0.55..,"prediction":1.0},{..}]}
server.deploy("flights", model);                           // 2: a new version, swapped in without dropping a request
server.stop(java.time.Duration.ofSeconds(5));              // true: drained
sw.close();

// clean up what the session wrote
for (var d : List.of(Path.of("data"), Path.of("out"), Path.of("train.csv"), Path.of("test.csv"), Path.of("model.json"),
        Path.of("roc.png"), Path.of("loss.png"), Path.of("trials.png"), Path.of("kmeans.json"),
        Path.of("als.json"))) {
    try (var walk = Files.walk(d)) { walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete()); }
}
System.out.println("readme OK");
