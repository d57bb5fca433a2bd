package org.spillway.frame.delta;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.spillway.frame.Functions;
import org.spillway.frame.Spillway;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * The child process of {@link DeltaCrashTest}: appends batches of ids to a table (and now and then
 * deletes one id) forever, and after each commit returns, records the batch in an acknowledgement
 * file. The parent kills it at random moments.
 */
public final class DeltaCrashWriter {
    private DeltaCrashWriter() {
    }

    /** {@code args}: the table, the acknowledgement file, the first batch number. */
    public static void main(String[] args) throws Exception {
        Path table = Path.of(args[0]);
        Path acks = Path.of(args[1]);
        long batch = Long.parseLong(args[2]);
        Schema s = Schema.of(new Field("batch", DataType.INT64), new Field("id", DataType.INT64));
        try (Spillway sw = Spillway.builder().memoryLimit("32m").parallelism(1).build()) {
            while (true) {
                long b = batch++;
                Object[][] rows = new Object[100][];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = new Object[] {b, b * 1000 + i};
                }
                sw.createDataFrame(s, List.of(rows)).writeDelta(table, SaveMode.APPEND, DeltaWriteOptions.defaults()
                        .withProperties(Map.of("delta.enableDeletionVectors", "true", "delta.checkpointInterval", "5")));
                String ack = "append " + b + "\n";
                if (b % 3 == 0) {
                    DeltaTable.forPath(sw, table).delete(Functions.col("id").eq(b * 1000));
                    ack += "delete " + b * 1000 + "\n";
                }
                Files.writeString(acks, ack, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
            }
        }
    }
}
