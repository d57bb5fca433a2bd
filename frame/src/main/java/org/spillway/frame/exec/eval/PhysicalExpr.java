package org.spillway.frame.exec.eval;

import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.chunk.Chunk;

/**
 * An expression compiled against one input schema ({@link ExprCompiler#compile}): evaluates over a
 * chunk of that schema into a heap column of one chunk's rows. Types were checked and resolved at
 * compile time, so evaluation does no lookups by type. Implementations are immutable and are called
 * concurrently by every worker of a pipeline.
 */
@FunctionalInterface
public interface PhysicalExpr {
    /** The values for every row of {@code chunk}. */
    HeapColumn eval(Chunk chunk);
}
