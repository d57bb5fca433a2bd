package org.spillway.ml.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.spillway.datasets.Flights;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.ml.Imputer;
import org.spillway.ml.LinearRegression;
import org.spillway.ml.LinearSVC;
import org.spillway.ml.LogisticRegression;
import org.spillway.ml.MlException;
import org.spillway.ml.Model;
import org.spillway.ml.OneHotEncoder;
import org.spillway.ml.OneHotEncoderModel;
import org.spillway.ml.Pipeline;
import org.spillway.ml.PipelineModel;
import org.spillway.ml.RowLayout;
import org.spillway.ml.StandardScaler;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * {@link Scoring#ROWS}: the models compiled to row kernels give exactly what their {@code transform} gives on the same
 * rows, bit for bit and null for null, for every built-in stage the compiled path knows (one-hot with unseen values
 * and nulls kept, scaling with and without the mean, binary and multinomial logistic regression, linear regression,
 * linear SVC) and for a stage it does not (the imputer, through its {@code transformRow}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompiledRowsTest {
    static final Schema INPUTS = Schema.of(new Field("hour", DataType.INT32), new Field("dow", DataType.INT32),
            new Field("month", DataType.INT32), new Field("origin", DataType.STRING), new Field("dest", DataType.STRING),
            new Field("logdist", DataType.FLOAT64));

    Spillway sw;
    DataFrame train;
    List<Object[]> rows;

    @BeforeAll
    void data() {
        sw = Spillway.builder().memoryLimit("256m").parallelism(2).progress(false).build();
        train = sw.generate(Flights.rows(8_000).seed(1)).withColumn("cls", col("dow").mod(3)).withColumn("y", col("logdist").plus(col("hour")))
                .cache();
        rows = new ArrayList<>();
        for (Row r : sw.generate(Flights.rows(500).seed(7)).select(INPUTS.names().toArray(String[]::new)).rows()) {
            Object[] v = new Object[INPUTS.size()];
            for (int j = 0; j < v.length; j++) {
                v[j] = r.get(j);
            }
            rows.add(v);
        }
        // unseen categories and nulls in the categorical and the numeric inputs
        rows.get(3)[3] = "XXX";
        rows.get(4)[0] = 99;
        rows.get(5)[4] = null;
        rows.get(6)[5] = null;
        rows.get(7)[2] = null;
        rows.get(8)[5] = null;
        rows.get(8)[3] = null;
    }

    @AfterAll
    void close() {
        sw.close();
    }

    Deployment deploy(Model model, Scoring scoring) {
        return new Deployment("m", 1, model, INPUTS, scoring, sw,
                new ModelServer.Settings(256, Duration.ofMillis(2), 100, 1 << 20, scoring), new ServeMetrics());
    }

    /** Asserts the compiled path equals transform exactly, and returns how many rows had a null output. */
    int assertExact(Model model) {
        Deployment d = deploy(model, Scoring.ROWS);
        try {
            assertEquals(Scoring.ROWS, d.scoring);
            List<Object[]> got = d.score(rows);
            String[] outs = d.outputs.stream().map(Field::name).toArray(String[]::new);
            List<Row> want = model.transform(sw.createDataFrame(INPUTS, rows)).select(outs).rows();
            assertEquals(want.size(), got.size());
            int nulls = 0;
            for (int i = 0; i < want.size(); i++) {
                for (int j = 0; j < outs.length; j++) {
                    Object w = want.get(i).get(j);
                    Object g = got.get(i)[j];
                    if (w instanceof Double wd && g instanceof Double gd) {
                        assertEquals(Double.doubleToRawLongBits(wd), Double.doubleToRawLongBits(gd),
                                "row " + i + " column " + outs[j] + ": " + w + " vs " + g + " (" + model + ")");
                    } else {
                        assertEquals(w, g, "row " + i + " column " + outs[j]);
                    }
                }
                nulls += got.get(i)[outs.length - 1] == null ? 1 : 0;
            }
            return nulls;
        } finally {
            d.batcher.close();
        }
    }

    @Test
    void binaryLogisticPipelineWithUnseenValuesAndNulls() {
        PipelineModel m = new Pipeline(new OneHotEncoder().inputCols("hour", "dow", "month", "origin", "dest").handleInvalid("keep"),
                new StandardScaler().inputCols("logdist").withMean(true), new LogisticRegression().labelCol("label").maxIter(20))
                .fit(train.drop("cls", "y"));
        // a null logdist gives null outputs (rows 6 and 8); null categories are kept as "no slot"
        assertEquals(2, assertExact(m));
    }

    @Test
    void multinomialLogisticAndAStageWithoutACompiledForm() {
        PipelineModel m = new Pipeline(new OneHotEncoder().inputCols("hour", "origin").outputCols("hour_c", "origin_c").handleInvalid("keep")
                .dropLast(false), new Imputer().inputCols("logdist"), new StandardScaler().inputCols("logdist").outputCols("ld"),
                new LogisticRegression().labelCol("cls").featuresCols("hour_c", "origin_c", "ld").maxIter(20))
                .fit(train);
        // the imputer fills the null logdist, so no output is null
        assertEquals(0, assertExact(m));
    }

    @Test
    void linearRegressionAndLinearSvc() {
        PipelineModel reg = new Pipeline(new OneHotEncoder().inputCols("dow", "dest").handleInvalid("keep"),
                new LinearRegression().labelCol("y").featuresCols("dow", "dest", "logdist").maxIter(20)).fit(train);
        assertEquals(2, assertExact(reg));
        PipelineModel svc = new Pipeline(new OneHotEncoder().inputCols("month", "origin").handleInvalid("keep"),
                new LinearSVC().labelCol("label").featuresCols("month", "origin", "logdist").maxIter(20)).fit(train);
        assertEquals(2, assertExact(svc));
    }

    @Test
    void aRefusedValueIsABadRequestAndAnUnknownColumnIsNamed() {
        OneHotEncoderModel strict = new OneHotEncoder().inputCols("origin").outputCols("origin_c").handleInvalid("error").fit(train);
        Deployment d = deploy(strict, Scoring.ROWS);
        try {
            BadRequest e = assertThrows(BadRequest.class, () -> d.scoreRequest(rows.subList(3, 4)));
            assertEquals(400, e.status());
            assertTrue(e.getMessage().contains("XXX"), e.getMessage());
            assertEquals(1, d.scoreRequest(rows.subList(0, 1)).getFirst().length);
        } finally {
            d.batcher.close();
        }
        MlException e = assertThrows(MlException.class, () -> strict.compile(new RowLayout(List.of("dest"))));
        assertTrue(e.getMessage().contains("'origin'") && e.getMessage().contains("[dest]"), e.getMessage());
        MlException twice = assertThrows(MlException.class, () -> new RowLayout(List.of("a", "a")));
        assertTrue(twice.getMessage().contains("'a'"), twice.getMessage());
    }

    @Test
    void autoPicksRowsForRowTransformersAndFrameForOthers() {
        Model opaque = frame -> frame.withColumn("twice", col("logdist").multiply(2));
        Deployment d = deploy(opaque, Scoring.AUTO);
        try {
            assertEquals(Scoring.FRAME, d.scoring);
            assertEquals((Double) rows.getFirst()[5] * 2, (Double) d.score(rows.subList(0, 1)).getFirst()[0], 0.0);
        } finally {
            d.batcher.close();
        }
        MlException e = assertThrows(MlException.class, () -> deploy(opaque, Scoring.ROWS));
        assertTrue(e.getMessage().contains("Scoring.FRAME"), e.getMessage());
        Deployment r = deploy(new OneHotEncoder().inputCols("dow").outputCols("dow_c").fit(train), Scoring.AUTO);
        try {
            assertEquals(Scoring.ROWS, r.scoring);
        } finally {
            r.batcher.close();
        }
    }
}
