package org.spillway.frame.delta;

import java.nio.file.Path;
import java.util.function.Function;
import org.spillway.frame.DataFrame;
import org.spillway.frame.io.parquet.ParquetWriteJob;

/**
 * The entry point of {@code DataFrame.writeDelta} into this package (the writer itself is internal):
 * the frame passes itself and how the Parquet writer sees a frame.
 */
public final class DeltaTableWrites {
    private DeltaTableWrites() {
    }

    /** Writes {@code df} to the table at {@code path}; see {@code DataFrame.writeDelta}. */
    public static void write(DataFrame df, Function<DataFrame, ParquetWriteJob.Input> inputOf, Path path, SaveMode mode,
                             DeltaWriteOptions options) {
        java.util.Objects.requireNonNull(mode, "mode");
        java.util.Objects.requireNonNull(options, "options");
        DeltaWriter.write(df, inputOf, path, mode, options);
    }
}
