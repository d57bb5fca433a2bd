package org.spillway.frame.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.vector.VectorBuilder;

/**
 * DuckDB as the oracle: a file written by {@link CsvWriter} (quotes, empties, nulls, unicode, every
 * type) is read by DuckDB's {@code read_csv} with auto-detection and by {@link CsvSource}; the
 * inferred type families and every value must agree.
 */
class CsvDuckDbOracleTest {
    @TempDir
    Path dir;

    @Test
    void sameTypesAndValuesAsDuckDb() throws Exception {
        Schema schema = Schema.of(new Field("id", DataType.INT32), new Field("big", DataType.INT64),
                new Field("price", DataType.FLOAT64), new Field("name", DataType.STRING),
                new Field("flag", DataType.BOOL), new Field("day", DataType.DATE), new Field("ts", DataType.TIMESTAMP));
        String[] pieces = {"a", "b,c", "\"q\"", "é", "日本", " ", "x\ny", "z"};
        Random rnd = new Random(11);
        int n = 3000;
        List<VectorBuilder> bs = new ArrayList<>();
        for (Field f : schema.fields()) {
            bs.add(VectorBuilder.forType(f.type(), n));
        }
        for (int r = 0; r < n; r++) {
            boolean nulls = r > 0 && rnd.nextInt(10) == 0;
            bs.get(0).appendObject(r);
            bs.get(1).appendObject(nulls ? null : rnd.nextLong() >> 3);
            bs.get(2).appendObject(nulls ? null : Math.round(rnd.nextGaussian() * 1e6) / 1e3);
            StringBuilder s = new StringBuilder("s");
            for (int k = rnd.nextInt(4); k > 0; k--) {
                s.append(pieces[rnd.nextInt(pieces.length)]);
            }
            bs.get(3).appendObject(nulls ? null : s.toString());
            bs.get(4).appendObject(nulls ? null : rnd.nextBoolean());
            bs.get(5).appendObject(nulls ? null : LocalDate.ofEpochDay(rnd.nextInt(40_000)));
            bs.get(6).appendObject(nulls ? null : Instant.EPOCH.plus(rnd.nextLong() % 2_000_000_000_000_000L, ChronoUnit.MICROS));
        }
        Path file = dir.resolve("oracle.csv");
        try (MemoryBudget budget = new MemoryBudget(64 << 20);
             CsvWriter w = CsvWriter.open(file, schema, CsvOptions.defaults());
             Chunk c = Chunk.build(schema, bs, budget, "test")) {
            w.write(c);
        }

        CsvSource src = CsvSource.open(file.toString(), CsvOptions.defaults().splitBytes(10_000));
        assertEquals(schema, src.schema());
        List<List<Object>> ours = CsvTestSupport.readAll(src);

        List<List<Object>> theirs = new ArrayList<>();
        List<String> duckTypes = new ArrayList<>();
        try (Connection con = DriverManager.getConnection("jdbc:duckdb:");
             Statement st = con.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, big, price, name, flag, day, epoch_us(ts) FROM read_csv('"
                     + file + "') ORDER BY id")) {
            for (int c = 1; c <= 7; c++) {
                duckTypes.add(rs.getMetaData().getColumnTypeName(c));
            }
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                row.add(rs.getInt(1));
                row.add(rs.getObject(2) == null ? null : rs.getLong(2));
                row.add(rs.getObject(3) == null ? null : rs.getDouble(3));
                row.add(rs.getString(4));
                row.add(rs.getObject(5) == null ? null : rs.getBoolean(5));
                row.add(rs.getObject(6) == null ? null : rs.getObject(6, LocalDate.class));
                row.add(rs.getObject(7) == null ? null : Instant.EPOCH.plus(rs.getLong(7), ChronoUnit.MICROS));
                theirs.add(row);
            }
        }
        assertEquals(List.of("BIGINT", "BIGINT", "DOUBLE", "VARCHAR", "BOOLEAN", "DATE"), duckTypes.subList(0, 6));
        assertEquals(theirs.size(), ours.size());
        for (int r = 0; r < ours.size(); r++) {
            assertEquals(theirs.get(r), ours.get(r), "row " + r);
        }
    }
}
