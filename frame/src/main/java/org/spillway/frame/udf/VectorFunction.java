package org.spillway.frame.udf;

import java.util.Map;
import java.util.Set;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;

/**
 * A vectorised user-defined function: computes one column from the columns of a chunk, a whole
 * chunk at a time. It is the public extension point through which code outside the engine (the
 * {@code ml} module's scoring, encoding and imputation) adds column computations to a frame:
 * wrap it with {@code Functions.udf(fn)} and use the expression anywhere an {@code Expr} goes
 * ({@code withColumn}, {@code select}, {@code filter}).
 *
 * <p>Protocol: {@link #resultType} is called when the expression is added to a frame (and again
 * when a plan is compiled), so it must check its input columns and fail with a clear message;
 * {@link #apply} is then called once per chunk, concurrently from several worker threads, so an
 * implementation must be thread-safe (immutable state is simplest). Cost: {@link #apply} allocates
 * its result on the heap for one chunk's rows; the engine copies the final column off-heap into a
 * budgeted chunk.
 */
public interface VectorFunction {
    /**
     * The type of the result against {@code input}, the schema of the frame it is applied to.
     *
     * @throws RuntimeException with a message naming the column when an input is missing or of a wrong type
     */
    DataType resultType(Schema input);

    /** The names of the columns {@link #apply} reads (they are kept by projection pushdown). */
    Set<String> inputColumns();

    /** Computes the result for every row of {@code chunk}, whose schema {@link #resultType} accepted. */
    HeapColumn apply(Chunk chunk);

    /** The metadata of the result column (see {@link org.spillway.spill.Field#metadata()}); none by default. */
    default Map<String, String> metadata(Schema input) {
        return Map.of();
    }
}
