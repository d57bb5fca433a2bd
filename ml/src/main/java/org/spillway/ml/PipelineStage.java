package org.spillway.ml;

/**
 * One step of a {@link Pipeline}: either a {@link Transformer}, which turns a frame into another,
 * or an {@link Estimator}, which learns a {@link Model} (itself a transformer) from a frame.
 */
public interface PipelineStage {
}
