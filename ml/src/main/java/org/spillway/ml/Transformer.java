package org.spillway.ml;

import org.spillway.frame.DataFrame;

/**
 * Turns a frame into another, lazily: {@link #transform} adds or replaces columns with expressions
 * and computes nothing until an action (collect, count, show, an evaluator) runs the plan. Column
 * names and types are checked when {@code transform} is called, so errors come before any work.
 */
public interface Transformer extends PipelineStage {
    /** The frame with this transformer's output columns; lazy, costs nothing until run. */
    DataFrame transform(DataFrame frame);
}
