package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.lit;
import static org.spillway.frame.Functions.when;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

@SpillwayTest(chunkRows = 2)
class DataFrameTest {
    /** Sessions for this test; the extension closes them (and checks for leaks) after it. */
    SpillwaySessions sessions;

    @TempDir
    Path dir;

    /** Two-row chunks, so that every operation runs over several chunks. */
    Spillway sw;
    DataFrame people;

    @BeforeEach
    void setUp() throws Exception {
        Path csv = dir.resolve("people.csv");
        Files.writeString(csv, """
                name,age,city,score
                Ada,36,London,91.5
                Grace,45,Arlington,88.0
                Linus,28,Helsinki,
                "Hopper, G.",85,"New York",79.25
                Alan,41,Wilmslow,95.0
                """);
        people = sw.readCsv(csv.toString());
    }

    @Test
    void schemaIsInferredLazily() {
        assertEquals(List.of("name", "age", "city", "score"), people.columns());
        assertEquals(DataType.INT32, people.type("age"));
        assertEquals(DataType.FLOAT64, people.type("score"));
        assertEquals(5, people.count());
    }

    @Test
    void filterWithColumnSelect() {
        DataFrame q = people.filter(col("age").gt(30).and(col("score").isNotNull()))
                .withColumn("grade", when(col("score").geq(90), "A").otherwise("B"))
                .select(col("name"), col("city").upper().as("city"), col("grade"), col("score").divide(100).as("frac"));
        assertEquals(4, q.count());
        assertEquals(List.of("Ada", "Grace", "Hopper, G.", "Alan"), q.column("name"));
        assertEquals(List.of("A", "B", "B", "A"), q.column("grade"));
        assertEquals(List.of("LONDON", "ARLINGTON", "NEW YORK", "WILMSLOW"), q.column("city"));
        assertEquals(0.915, (Double) q.rows().getFirst().get("frac"), 1e-12);
        assertEquals(List.of("Ada", "Alan"), q.filter(col("grade").eq("A")).column("name"));
    }

    @Test
    void nullsInPredicatesDropRows() {
        assertEquals(4, people.filter(col("score").gt(0)).count());
        assertEquals(1, people.filter(col("score").isNull()).count());
        assertEquals(0, people.filter(lit(false)).count());
        assertEquals(5, people.filter(lit(true)).count());
    }

    @Test
    void limitKeepsInputOrderAnywhereInThePlan() {
        assertEquals(List.of("Ada", "Grace"), people.limit(2).column("name"));
        assertEquals(List.of("Ada"), people.limit(2).filter(col("age").leq(36)).column("name"));
        DataFrame young = people.filter(col("age").lt(40).or(col("age").gt(80)));
        assertEquals(List.of("Ada", "Linus", "Hopper, G."), young.column("name"));
        assertEquals(List.of(28, 85), young.limit(5).drop("name").limit(3).filter(col("age").neq(36)).column("age"));
        assertEquals(2, young.limit(2).withColumn("n", lit(1)).count());
        assertEquals(0, people.limit(0).count());
        assertEquals(3, people.limit(3).count());
        assertEquals(5, people.limit(100).rows().size());
    }

    @Test
    void withColumnReplacesInPlaceAndRenameDrop() {
        DataFrame f = people.withColumn("age", col("age").plus(1)).withColumnRenamed("city", "town").drop("score");
        assertEquals(List.of("name", "age", "town"), f.columns());
        assertEquals(DataType.INT64, f.type("age"));
        assertEquals(37L, f.rows().getFirst().get("age"));
    }

    @Test
    void errorsNameTheColumn() {
        ColumnNotFoundException e = assertThrows(ColumnNotFoundException.class, () -> people.filter(col("agee").gt(1)));
        assertTrue(e.getMessage().contains("'agee'") && e.getMessage().contains("Did you mean 'age'"), e.getMessage());
        SpillwayException t = assertThrows(SpillwayException.class, () -> people.filter(col("age").plus(1)));
        assertTrue(t.getMessage().contains("bool"), t.getMessage());
        assertThrows(SpillwayException.class, () -> people.select(col("age"), col("age")));
        assertThrows(ColumnNotFoundException.class, () -> people.drop("nope"));
    }

    @Test
    void collectStoresAndQueriesAgain() {
        DataFrame all = people.collect();
        assertTrue(all.isCollected());
        assertEquals(5, all.count());
        assertEquals(List.of("Alan"), all.filter(col("name").startsWith("Al")).column("name"));
        assertTrue(all.collect() == all);
        all.unpersist();
        SpillwayException e = assertThrows(SpillwayException.class, all::count);
        assertTrue(e.getMessage().contains("unpersisted"), e.getMessage());
    }

    @Test
    void explainShowsPushdownAndSkipping() {
        String plan = people.filter(col("age").gt(40)).select("name").explainString();
        assertTrue(plan.contains("columns=[name, age]"), plan);
        String stored = people.collect().filter(col("age").gt(40)).explainString();
        assertTrue(stored.contains("skip-by-stats=(age > 40)"), stored);
    }

    @Test
    void statisticsSkipChunksWithoutChangingResults() {
        Schema s = Schema.of(new Field("id", DataType.INT64), new Field("tag", DataType.STRING));
        List<Object[]> rows = new ArrayList<>();
        for (long i = 0; i < 10_000; i++) {
            rows.add(new Object[] {i, i % 3 == 0 ? null : "t" + (i % 7)});
        }
        try (Spillway s2 = sessions.open("64m", 0, 1000)) {
            DataFrame f = s2.createDataFrame(s, rows);
            assertEquals(10, s2.createDataFrame(s, rows).filter(col("id").geq(9990)).count());
            assertEquals(1000, f.filter(col("id").lt(2000).and(col("id").geq(1000))).count());
            assertEquals(0, f.filter(col("id").gt(20_000)).count());
            assertEquals(List.of(5L), f.filter(col("id").eq(5)).column("id"));
            assertEquals(3334, f.filter(col("tag").isNull()).count());
            assertEquals(6666, f.filter(col("tag").isNotNull()).count());
            assertEquals(952, f.filter(col("tag").eq("t0")).count()); // i % 7 == 0 and i % 3 != 0
        }
    }

    @Test
    void showPrintsATable() {
        String t = people.showString(2);
        assertTrue(t.contains("│ Ada ") && t.contains("showing the first 2 rows"), t);
        assertTrue(t.contains("int32") && t.contains("float64"), t);
        String all = people.showString(10);
        assertTrue(all.contains("5 rows x 4 columns") && all.contains("null"), all);
    }

    @Test
    void writeCsvRoundTrips() {
        Path out = dir.resolve("out.csv");
        people.filter(col("age").gt(30)).writeCsv(out.toString());
        DataFrame back = sw.readCsv(out.toString());
        assertEquals(4, back.count());
        assertEquals(List.of("Ada", "Grace", "Hopper, G.", "Alan"), back.column("name"));
    }

    @Test
    void createDataFrameChecksValues() {
        Schema s = Schema.of(new Field("a", DataType.INT32));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sw.createDataFrame(s, List.<Object[]>of(new Object[] {1}, new Object[] {"x"})));
        assertTrue(e.getMessage().contains("Row 1") && e.getMessage().contains("'a'"), e.getMessage());
    }

    @Test
    void orderIsKeptAcrossManyChunksAndWorkers() {
        Schema s = Schema.of(new Field("i", DataType.INT32));
        List<Object[]> rows = Stream.iterate(0, i -> i + 1).limit(5000).map(i -> new Object[] {i}).toList();
        DataFrame f = sw.createDataFrame(s, rows);
        List<Object> evens = f.filter(col("i").mod(2).eq(0)).column("i");
        assertEquals(2500, evens.size());
        for (int k = 0; k < evens.size(); k++) {
            assertEquals(2 * k, evens.get(k));
        }
        assertEquals(List.of(0, 2, 4), f.filter(col("i").mod(2).eq(0)).limit(3).column("i"));
    }

    @Test
    void typedColumnAccessors() {
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {36, 45, 28, 85, 41}, people.intColumn("age"));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {36, 45, 28, 85, 41}, people.longColumn("age"));
        double[] score = people.doubleColumn("score");
        assertTrue(Double.isNaN(score[2]) && score[0] == 91.5);
        assertEquals("Hopper, G.", people.stringColumn("name")[3]);
        SpillwayException e = assertThrows(SpillwayException.class, () -> people.longColumn("name"));
        assertTrue(e.getMessage().contains("'name' is string"), e.getMessage());
        SpillwayException n = assertThrows(SpillwayException.class,
                () -> people.select(col("score").cast(DataType.INT64).as("s")).longColumn("s"));
        assertTrue(n.getMessage().contains("null at row 2"), n.getMessage());
    }

    @Test
    void closeLeavesNoSpillFiles() throws Exception {
        Path spill = sw.spillDirectory();
        assertTrue(Files.isDirectory(spill));
        people.collect();
        sw.close();
        assertFalse(Files.exists(spill));
        assertThrows(SpillwayException.class, people::count);
    }
}
