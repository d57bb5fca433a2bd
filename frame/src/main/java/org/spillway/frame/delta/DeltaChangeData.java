package org.spillway.frame.delta;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Functions;
import org.spillway.frame.ParquetWriteInput;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.frame.io.parquet.ParquetWriteJob;

/**
 * The change data files of a data-changing commit (PROTOCOL.md "Change Data Files", "Add CDC File"):
 * when a table has {@code delta.enableChangeDataFeed = true} (and its protocol knows the
 * {@code changeDataFeed} writer feature, or writer version 4 to 6), every delete, update and merge
 * writes the rows it changes, with a {@code _change_type} column ({@code delete},
 * {@code update_preimage}, {@code update_postimage}, {@code insert}), to Parquet files under
 * {@code _change_data/} (partitioned as the table, physical names under column mapping), and commits
 * them as {@code cdc} actions. Readers of the change feed (Spark's {@code table_changes}, Kernel,
 * {@link DeltaTable#changes}) then read a commit's changes from these files instead of deriving them
 * from whole added and removed files, which a copy-on-write rewrite would otherwise report as
 * deleted and re-inserted.
 */
final class DeltaChangeData {
    /** The rows of one kind of change, in the table's columns (more columns are dropped). */
    record Change(DataFrame rows, String changeType) {
    }

    private DeltaChangeData() {
    }

    /** Whether writers of {@code snap} must write change data files. */
    static boolean enabled(Snapshot snap) {
        if (!"true".equalsIgnoreCase(snap.property("delta.enableChangeDataFeed", "false"))) {
            return false;
        }
        int wv = snap.protocol.minWriterVersion();
        return wv >= 4 && wv <= 6 || wv >= 7 && snap.protocol.writerFeature("changeDataFeed");
    }

    /**
     * Writes the changes as change data files and returns their {@code cdc} actions (their paths are
     * added to {@code written}, for clean-up if the commit fails). Nothing when {@code changes} is empty.
     */
    static List<Action> write(DeltaLog log, Snapshot snap, List<Change> changes, List<Path> written) {
        List<Action> out = new ArrayList<>();
        if (changes.isEmpty()) {
            return out;
        }
        String[] names = snap.schema().names().toArray(String[]::new);
        DataFrame all = null;
        for (Change c : changes) {
            DataFrame f = c.rows().select(names).withColumn("_change_type", Functions.lit(c.changeType()));
            all = all == null ? f : all.union(f);
        }
        DeltaColumnMapping mapping = snap.mapping();
        Path dir = log.table.resolve("_change_data");
        for (ParquetWriteJob.WrittenFile w : ParquetWriteJob.writeFiles(ParquetWriteInput.of(mapping.toPhysical(all)), dir,
                mapping.writeOptions(ParquetWriteOptions.defaults(), snap.partitionColumns()))) {
            written.add(w.path());
            ObjectNode n = DeltaSchemas.JSON.createObjectNode();
            n.put("path", DeltaWriter.relativeUri(log.table, w.path()));
            n.set("partitionValues", DeltaSchemas.JSON.valueToTree(DeltaWriter.partitionValues(w.partition())));
            n.put("size", w.size());
            n.put("dataChange", false);
            out.add(new Action.Other("cdc", n));
        }
        return out;
    }
}
