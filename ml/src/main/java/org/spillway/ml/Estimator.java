package org.spillway.ml;

import org.spillway.frame.DataFrame;

/**
 * Learns a {@link Model} from a frame, as in Spark MLlib: parameters are set with fluent setters
 * (each returns the estimator), then {@link #fit} runs over the data, streaming its chunks (and,
 * for iterative learners, streaming them again on every pass), and returns an immutable model.
 *
 * @param <M> the model it learns
 */
public interface Estimator<M extends Model> extends PipelineStage {
    /** Learns a model from {@code frame}. */
    M fit(DataFrame frame);
}
