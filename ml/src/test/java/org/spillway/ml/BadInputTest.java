package org.spillway.ml;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/** Every kind of bad input is an exception that names the column, row or file. */
@SpillwayTest(memoryLimit = "32m", chunkRows = 100)
class BadInputTest {
    @TempDir
    Path dir;
    Spillway sw;

    DataFrame frame(Object[]... rows) {
        return sw.createDataFrame(Schema.of(new Field("x", DataType.FLOAT64), new Field("k", DataType.INT32),
                new Field("label", DataType.INT32)), List.of(rows));
    }

    static List<Object[]> good(int n) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new Object[] {i * 0.1, i % 7, i % 3 == 0 ? 1 : 0});
        }
        return rows;
    }

    DataFrame with(int at, Object[] bad) {
        List<Object[]> rows = good(300);
        rows.set(at, bad);
        return frame(rows.toArray(Object[][]::new));
    }

    static void assertMessage(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
        }
    }

    @Test
    void nullFeatureNamesColumnAndRow() {
        var e = assertThrows(MlException.class, () -> new LogisticRegression().fit(with(250, new Object[] {null, 1, 0})));
        assertMessage(e, "'x'", "null", "row 250", "Imputer");
    }

    @Test
    void nanAndInfiniteFeatures() {
        var e = assertThrows(MlException.class, () -> new LogisticRegression().fit(with(17, new Object[] {Double.NaN, 1, 0})));
        assertMessage(e, "'x'", "NaN", "row 17");
        e = assertThrows(MlException.class, () -> new LinearRegression().fit(with(3, new Object[] {Double.POSITIVE_INFINITY, 1, 0})));
        assertMessage(e, "'x'", "Infinity", "row 3");
    }

    @Test
    void labelNotZeroOrOne() {
        var e = assertThrows(MlException.class, () -> new LogisticRegression().family("binomial").fit(with(120, new Object[] {1.0, 1, 2})));
        assertMessage(e, "'label'", "2.0", "0 or 1", "row 120");
        e = assertThrows(MlException.class, () -> new LogisticRegression().fit(with(5, new Object[] {1.0, 1, -1})));
        assertMessage(e, "'label'", "-1.0", "row 5");
        e = assertThrows(MlException.class, () -> new LogisticRegression().fit(with(6, new Object[] {1.0, 1, null})));
        assertMessage(e, "'label'", "null", "row 6");
    }

    @Test
    void oneClassOnly() {
        List<Object[]> rows = good(50);
        rows.replaceAll(r -> new Object[] {r[0], r[1], 0});
        var e = assertThrows(MlException.class, () -> new LogisticRegression().fit(frame(rows.toArray(Object[][]::new))));
        assertMessage(e, "'label'", "only class 0", "two classes");
    }

    @Test
    void constantColumnUnderStandardization() {
        List<Object[]> rows = good(50);
        rows.replaceAll(r -> new Object[] {3.0, r[1], r[2]});
        DataFrame f = frame(rows.toArray(Object[][]::new));
        var e = assertThrows(MlException.class, () -> new LogisticRegression().fit(f));
        assertMessage(e, "'x'", "constant", "standardization(false)");
        new LogisticRegression().standardization(false).maxIter(5).fit(f); // allowed without standardization
    }

    @Test
    void emptyFrameAndMissingColumns() {
        DataFrame empty = frame(good(10).toArray(Object[][]::new)).filter(org.spillway.frame.Functions.col("x").lt(-1));
        assertMessage(assertThrows(MlException.class, () -> new LogisticRegression().fit(empty)), "empty");
        DataFrame f = frame(good(10).toArray(Object[][]::new));
        assertMessage(assertThrows(RuntimeException.class, () -> new LogisticRegression().labelCol("y").fit(f)), "y");
        assertMessage(assertThrows(RuntimeException.class, () -> new LogisticRegression().featuresCols("x", "z").fit(f)), "z");
        assertMessage(assertThrows(MlException.class, () -> new LogisticRegression().featuresCols("x", "label").fit(f)), "'label'");
    }

    @Test
    void invalidParameters() {
        assertMessage(assertThrows(MlException.class, () -> new LogisticRegression().regParam(-1)), "regParam", "-1");
        assertMessage(assertThrows(MlException.class, () -> new LogisticRegression().elasticNetParam(1.5)), "elasticNetParam");
        assertMessage(assertThrows(MlException.class, () -> new LogisticRegression().solver("newton")), "solver", "lbfgs");
        assertMessage(assertThrows(MlException.class, () -> new LogisticRegression().threshold(2)), "threshold");
    }

    @Test
    void corruptAndNewerModelFiles() throws Exception {
        LogisticRegressionModel m = new LogisticRegression().maxIter(5).fit(frame(good(100).toArray(Object[][]::new)));
        Path file = dir.resolve("m.json");
        m.save(file);
        String json = Files.readString(file);

        Files.writeString(file, json.replace("\"version\" : 1", "\"version\" : 99"));
        assertMessage(assertThrows(MlException.class, () -> Models.load(file)), file.toString(), "version 99", "newer");

        Files.writeString(file, json.substring(0, json.length() / 2));
        assertMessage(assertThrows(MlException.class, () -> Models.load(file)), file.toString(), "not valid JSON", "line");

        Files.writeString(file, json.replace("\"intercepts\"", "\"interceptz\""));
        assertMessage(assertThrows(MlException.class, () -> Models.load(file)), file.toString(), "intercepts");

        Files.writeString(file, "{\"hello\": 1}");
        assertMessage(assertThrows(MlException.class, () -> Models.load(file)), "not a Spillway model");

        Files.writeString(file, json);
        assertMessage(assertThrows(MlException.class, () -> Models.load(file.toString(),
                org.spillway.ml.LinearRegressionModel.class)), "LogisticRegressionModel");
        assertMessage(assertThrows(MlException.class, () -> Models.load(dir.resolve("missing.json"))), "missing.json");
    }

    @Test
    void aFailedSaveKeepsTheOldFile() throws Exception {
        LogisticRegressionModel m = new LogisticRegression().maxIter(5).fit(frame(good(100).toArray(Object[][]::new)));
        Path file = dir.resolve("keep.json");
        m.save(file);
        String before = Files.readString(file);
        Path blocked = dir.resolve("sub");
        Files.writeString(blocked, "a file where a directory is needed");
        assertThrows(MlException.class, () -> m.save(blocked.resolve("x.json")));
        m.save(file);
        assertTrue(Files.readString(file).equals(before));
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "temporary file left");
        }
    }

    @Test
    void transformWithoutTheEncodersIsAClearError() {
        DataFrame f = sw.createDataFrame(Schema.of(new Field("c", DataType.STRING), new Field("label", DataType.INT32)),
                List.of(new Object[] {"a", 1}, new Object[] {"b", 0}, new Object[] {"a", 0}, new Object[] {"b", 1}, new Object[] {"c", 1}));
        PipelineModel p = new Pipeline(new org.spillway.ml.OneHotEncoder().inputCols("c"),
                new LogisticRegression().maxIter(5)).fit(f);
        LogisticRegressionModel lr = p.last(LogisticRegressionModel.class);
        var e = assertThrows(MlException.class, () -> lr.transform(f));
        assertMessage(e, "'c'", "encode");
    }
}
