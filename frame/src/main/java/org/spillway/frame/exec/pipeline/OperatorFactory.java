package org.spillway.frame.exec.pipeline;

/** Makes one worker's instance of a pipeline step (operators keep per-worker state, so each worker gets its own). */
@FunctionalInterface
public interface OperatorFactory {
    /** A new operator instance. */
    ChunkOperator create();
}
