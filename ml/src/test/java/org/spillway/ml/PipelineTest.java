package org.spillway.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;

/** Encoders, scalers and learners chained in a pipeline over CSV input, as the README uses them. */
@SpillwayTest
class PipelineTest {
    /** Sessions for this test; the extension closes them (and checks for leaks) after it. */
    SpillwaySessions sessions;

    @TempDir
    Path dir;

    static final String[] AIRPORTS = {"JFK", "LAX", "ORD", "ATL", "SFO", "SEA", "BOS"};

    /** A small flights-like CSV: hour, dow (ints), origin (string), logdist (float), label. */
    static Path flights(Path file, int n, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder("hour,dow,origin,logdist,label\n");
        for (int i = 0; i < n; i++) {
            int hour = r.nextInt(24);
            int dow = 1 + r.nextInt(7);
            int o = (int) Math.floor(Math.pow(r.nextDouble(), 2) * AIRPORTS.length);
            double logdist = 5 + 2 * r.nextDouble();
            double m = -1.5 + (hour >= 17 ? 0.8 : 0) + (dow == 5 ? 0.4 : 0) + 0.3 * o - 0.5 * (logdist - 6);
            int label = r.nextDouble() < 1 / (1 + Math.exp(-m)) ? 1 : 0;
            sb.append(hour).append(',').append(dow).append(',').append(AIRPORTS[o]).append(',')
                    .append(String.format(Locale.ROOT, "%.6f", logdist)).append(',').append(label).append('\n');
        }
        Files.writeString(file, sb);
        return file;
    }

    Spillway session(String memory) {
        return sessions.open(memory, 2, 1000);
    }

    @Test
    void oneHotScaleAndLogisticRegressionAsInTheReadme() throws IOException {
        Path train = flights(dir.resolve("train.csv"), 20_000, 1);
        Path test = flights(dir.resolve("test.csv"), 5_000, 2);
        try (Spillway sw = session("64m")) {
            var pipeline = new Pipeline(
                    new OneHotEncoder().inputCols("hour", "dow", "origin"),
                    new StandardScaler().inputCols("logdist"),
                    new LogisticRegression().labelCol("label").maxIter(200).regParam(0.0));
            PipelineModel model = pipeline.fit(sw.readCsv(train.toString()));
            LogisticRegressionModel lr = model.last(LogisticRegressionModel.class);
            assertEquals(24 + 7 + AIRPORTS.length + 1, lr.numFeatures(), lr.featureNames().toString());
            assertTrue(lr.featureNames().contains("origin=JFK"), lr.featureNames().toString());
            // the true model: evening hours add 0.8 to the log-odds
            double evening = lr.coefficient("hour=18") - lr.coefficient("hour=9");
            assertEquals(0.8, evening, 0.25, lr.summaryString(50));
            DataFrame scored = model.transform(sw.readCsv(test.toString()));
            assertTrue(scored.columns().containsAll(List.of("rawPrediction", "probability", "prediction")), scored.columns().toString());
            List<Row> rows = scored.limit(200).rows();
            for (Row row : rows) {
                double p = ((Number) row.get("probability")).doubleValue();
                assertTrue(p > 0 && p < 1, "probability " + p);
                assertEquals(p > 0.5 ? 1.0 : 0.0, ((Number) row.get("prediction")).doubleValue());
            }
            // single rows give what the frame gives
            List<Row> raw = sw.readCsv(test.toString()).limit(200).rows();
            for (int i = 0; i < raw.size(); i++) {
                Map<String, Object> in = new HashMap<>();
                for (String c : raw.get(i).schema().names()) {
                    in.put(c, raw.get(i).get(c));
                }
                Map<String, Object> out = model.transformRow(in);
                assertEquals(((Number) rows.get(i).get("probability")).doubleValue(), (Double) out.get("probability"), 1e-12);
            }
            // save and load: identical predictions
            Path saved = dir.resolve("model.json");
            model.save(saved.toString());
            PipelineModel loaded = PipelineModel.load(saved.toString());
            double[] before = scored.doubleColumn("probability");
            double[] after = loaded.transform(sw.readCsv(test.toString())).doubleColumn("probability");
            assertArrayEquals(before, after, 0.0);
            assertTrue(Files.readString(saved).contains("\"format\" : \"spillway-model\""));
        }
    }

    @Test
    void unseenCategoriesAreKeptAsNoSlotOrRejected() throws IOException {
        Path train = flights(dir.resolve("train.csv"), 2_000, 3);
        try (Spillway sw = session("64m")) {
            DataFrame t = sw.readCsv(train.toString());
            OneHotEncoderModel keep = new OneHotEncoder().inputCols("origin").fit(t);
            DataFrame other = sw.createDataFrame(org.spillway.spill.Schema.of(
                    new org.spillway.spill.Field("origin", org.spillway.spill.DataType.STRING)),
                    List.of(new Object[] {"JFK"}, new Object[] {"XYZ"}, new Object[] {null}));
            List<Object> codes = keep.transform(other).column("origin");
            assertEquals(keep.categories("origin").indexOf("JFK"), codes.get(0));
            assertEquals(-1, codes.get(1));
            assertEquals(-1, codes.get(2));
            OneHotEncoderModel strict = new OneHotEncoder().inputCols("origin").handleInvalid("error").fit(t);
            MlException e = assertThrows(MlException.class, () -> strict.transform(other).collect());
            assertTrue(e.getMessage().contains("'origin'") && e.getMessage().contains("XYZ"), e.getMessage());
            // error mode (with dropLast) drops the least frequent category: it is the reference, in no slot
            String rarest = strict.categories("origin").getLast();
            DataFrame rare = sw.createDataFrame(other.schema(), List.<Object[]>of(new Object[] {rarest}));
            assertEquals(List.of(-1), strict.transform(rare).column("origin"));
            assertEquals(List.of(keep.categories("origin").indexOf(rarest)), keep.transform(rare).column("origin"));
        }
    }

    @Test
    void aStringFeatureNotEncodedIsAClearError() throws IOException {
        Path train = flights(dir.resolve("train.csv"), 500, 4);
        try (Spillway sw = session("64m")) {
            MlException e = assertThrows(MlException.class, () -> new LogisticRegression().fit(sw.readCsv(train.toString())));
            assertTrue(e.getMessage().contains("'origin'") && e.getMessage().contains("OneHotEncoder"), e.getMessage());
        }
    }

    @Test
    void imputerFillsNullsAndNaNWithTheMeanOrMedian() {
        try (Spillway sw = session("64m")) {
            var schema = org.spillway.spill.Schema.of(new org.spillway.spill.Field("x", org.spillway.spill.DataType.FLOAT64),
                    new org.spillway.spill.Field("k", org.spillway.spill.DataType.INT32));
            List<Object[]> rows = new ArrayList<>();
            rows.add(new Object[] {1.0, 1});
            rows.add(new Object[] {null, 2});
            rows.add(new Object[] {Double.NaN, null});
            rows.add(new Object[] {5.0, 10});
            rows.add(new Object[] {6.0, 3});
            DataFrame f = sw.createDataFrame(schema, rows);
            var mean = new Imputer().inputCols("x", "k").fit(f);
            assertArrayEquals(new double[] {4.0, 4.0}, mean.fillValues(), 1e-12);
            assertEquals(List.of(1.0, 4.0, 4.0, 5.0, 6.0), mean.transform(f).column("x"));
            var median = new Imputer().inputCols("x", "k").strategy("median").fit(f);
            assertArrayEquals(new double[] {5.0, 2.5}, median.fillValues(), 1e-12);
            assertEquals(List.of(1.0, 2.0, 2.5, 10.0, 3.0), median.transform(f).column("k"));
        }
    }

    @Test
    void hashedFeaturesTrainAndSaveLikeOneHot() throws IOException {
        Path train = flights(dir.resolve("train.csv"), 10_000, 5);
        try (Spillway sw = session("64m")) {
            var pipeline = new Pipeline(new FeatureHasher().inputCols("origin", "hour", "logdist").categoricalCols("hour")
                    .numFeatures(64), new LogisticRegression().regParam(0.01).featuresCols("origin", "hour", "logdist"));
            PipelineModel m = pipeline.fit(sw.readCsv(train.toString()));
            LogisticRegressionModel lr = m.last(LogisticRegressionModel.class);
            assertEquals(64, lr.numFeatures());
            Path saved = dir.resolve("hashed.json");
            m.save(saved);
            double[] a = m.transform(sw.readCsv(train.toString())).limit(100).doubleColumn("probability");
            double[] b = Models.load(saved, PipelineModel.class).transform(sw.readCsv(train.toString())).limit(100)
                    .doubleColumn("probability");
            assertArrayEquals(a, b, 0.0);
        }
    }

    @Test
    void scalerRejectsAConstantColumn() {
        try (Spillway sw = session("64m")) {
            DataFrame f = sw.createDataFrame(org.spillway.spill.Schema.of(
                    new org.spillway.spill.Field("c", org.spillway.spill.DataType.FLOAT64)), List.of(new Object[] {2.0}, new Object[] {2.0}));
            MlException e = assertThrows(MlException.class, () -> new StandardScaler().inputCols("c").fit(f));
            assertTrue(e.getMessage().contains("'c'") && e.getMessage().contains("constant"), e.getMessage());
            StandardScalerModel ok = new StandardScaler().inputCols("c").withStd(false).withMean(true).fit(f);
            assertEquals(List.of(0.0, 0.0), ok.transform(f).column("c"));
            assertFalse(ok.toString().isEmpty());
        }
    }
}
