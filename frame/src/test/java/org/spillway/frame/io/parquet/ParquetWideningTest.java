package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.ParquetFormatException;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * Table formats' type widening: files written in a narrower type read in the table's wider one
 * (integers to float64 and decimals, decimals to more digits and another scale, date to timestamp_ntz),
 * with nulls kept and the files' statistics not used to prune the converted columns.
 */
@SpillwayTest
class ParquetWideningTest {
    @TempDir
    Path dir;

    private static final Schema NARROW = Schema.of(new Field("i", DataType.INT32), new Field("l", DataType.INT64),
            new Field("d", DataType.decimal(5, 2)), new Field("w", DataType.decimal(5, 2)), new Field("day", DataType.DATE),
            new Field("n", DataType.INT32));

    private static final Schema WIDE = Schema.of(new Field("i", DataType.FLOAT64), new Field("l", DataType.decimal(22, 2)),
            new Field("d", DataType.decimal(10, 4)), new Field("w", DataType.decimal(30, 6)), new Field("day", DataType.TIMESTAMP_NTZ),
            new Field("n", DataType.INT64));

    @Test
    void narrowFilesReadInTheWiderTypes(Spillway sw) {
        List<List<Object>> rows = new ArrayList<>();
        for (int k = 0; k < 3000; k++) {
            boolean nul = k % 11 == 4;
            rows.add(Arrays.asList(nul ? null : k - 1500, nul ? null : (long) k * 1_000_000_007L - 7, nul ? null
                    : BigDecimal.valueOf(k * 7 - 9999, 2), nul ? null : BigDecimal.valueOf(-k, 2),
                    nul ? null : LocalDate.of(2020, 1, 1).plusDays(k - 1000), nul ? null : k));
        }
        Path file = dir.resolve("narrow.parquet");
        sw.createDataFrame(NARROW, rows).writeParquet(file, ParquetWriteOptions.defaults().withRowGroupRows(500));
        ParquetSource src = ParquetSource.ofFiles("widening", List.of(file), WIDE, new Schema(List.of()), List.<Object[]>of(new Object[0]));
        DataFrame df = sw.readParquet(src);
        assertEquals(WIDE, df.schema());
        List<Row> got = df.collect().rows();
        assertEquals(rows.size(), got.size());
        for (int k = 0; k < rows.size(); k++) {
            Row r = got.get(k);
            List<Object> w = rows.get(k);
            if (w.get(0) == null) {
                for (int c = 0; c < WIDE.size(); c++) {
                    assertEquals(null, r.get(c), "row " + k + " column " + c);
                }
                continue;
            }
            assertEquals(((Integer) w.get(0)).doubleValue(), r.getDouble("i"));
            assertEquals(BigDecimal.valueOf((Long) w.get(1)).setScale(2), r.getDecimal("l"));
            assertEquals(((BigDecimal) w.get(2)).setScale(4), r.getDecimal("d"));
            assertEquals(((BigDecimal) w.get(3)).setScale(6), r.getDecimal("w"));
            assertEquals(((LocalDate) w.get(4)).atStartOfDay(), (LocalDateTime) r.get("day"));
            assertEquals(((Integer) w.get(5)).longValue(), r.getLong("n"));
        }
        // filters on converted columns: the narrow files' statistics must not prune wrongly
        long expected = rows.stream().filter(r -> r.get(2) != null && ((BigDecimal) r.get(2)).compareTo(new BigDecimal("100.5")) > 0)
                .count();
        assertEquals(expected, sw.readParquet(src).filter(col("d").gt(new BigDecimal("100.5"))).count());
        assertEquals(1, sw.readParquet(src).filter(col("i").eq(-1499.0)).count());
        assertEquals(1, sw.readParquet(src).filter(col("day").eq(LocalDateTime.of(2020, 1, 2, 0, 0))).count());
    }

    @Test
    void narrowingIsRefusedNamingTheFile(Spillway sw) {
        Path file = dir.resolve("wide.parquet");
        sw.createDataFrame(Schema.of(new Field("x", DataType.decimal(10, 4))), List.of(List.of(new BigDecimal("1.2345"))))
                .writeParquet(file, ParquetWriteOptions.defaults());
        ParquetFormatException e = assertThrows(ParquetFormatException.class, () -> ParquetSource.ofFiles("t", List.of(file),
                Schema.of(new Field("x", DataType.decimal(10, 2))), new Schema(List.of()), List.<Object[]>of(new Object[0])));
        assertTrue(e.getMessage().contains("wide.parquet"), e.getMessage());
    }
}
