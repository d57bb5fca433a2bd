package org.spillway.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.spillway.frame.DataFrame;

/**
 * A chain of stages fitted as one estimator, as Spark's {@code Pipeline}: {@link #fit} runs the
 * stages in order on the training frame; an {@link Estimator} is fitted on the frame as the stages
 * before it left it, and its model transforms the frame for the stages after it (a plain
 * {@link Transformer} just transforms). The result is a {@link PipelineModel} holding one
 * transformer per stage, which applies them all to new data.
 *
 * <p>Cost: each estimator makes its own passes over its input (an encoder one, a learner one per
 * iteration); transforms are lazy and are computed within the passes that read them.
 */
public final class Pipeline implements Estimator<PipelineModel> {
    private final List<PipelineStage> stages;

    /** A pipeline of {@code stages}, run in this order. */
    public Pipeline(PipelineStage... stages) {
        this(List.of(stages));
    }

    /** A pipeline of {@code stages}, run in this order. */
    public Pipeline(List<? extends PipelineStage> stages) {
        for (int i = 0; i < stages.size(); i++) {
            PipelineStage s = Objects.requireNonNull(stages.get(i), "stage " + i + " is null");
            if (!(s instanceof Estimator<?>) && !(s instanceof Transformer)) {
                throw new MlException("Stage " + i + " (" + s.getClass().getSimpleName()
                        + ") is neither an Estimator nor a Transformer");
            }
        }
        this.stages = List.copyOf(stages);
    }

    /** The stages in order. */
    public List<PipelineStage> stages() {
        return stages;
    }

    @Override
    public PipelineModel fit(DataFrame frame) {
        List<Transformer> fitted = new ArrayList<>(stages.size());
        DataFrame cur = frame;
        for (int i = 0; i < stages.size(); i++) {
            PipelineStage s = stages.get(i);
            Transformer t;
            if (s instanceof Estimator<?> e) {
                t = e.fit(cur);
            } else {
                t = (Transformer) s;
            }
            fitted.add(t);
            if (i < stages.size() - 1) {
                cur = t.transform(cur);
            }
        }
        return new PipelineModel(fitted);
    }

    @Override
    public String toString() {
        return "Pipeline" + stages;
    }
}
