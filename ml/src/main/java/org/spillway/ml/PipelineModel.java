package org.spillway.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.spillway.frame.DataFrame;

/**
 * The fitted form of a {@link Pipeline}: its transformers (fitted models and plain transformers) in
 * order. {@link #transform} applies them all, lazily. Saved as one JSON file holding every stage.
 */
public final class PipelineModel implements Model, ModelIO.Persistable {
    private final List<Transformer> stages;

    /** A model applying {@code stages} in order. */
    public PipelineModel(List<? extends Transformer> stages) {
        this.stages = List.copyOf(stages);
    }

    /** The fitted stages in order. */
    public List<Transformer> stages() {
        return stages;
    }

    /** The fitted stage at {@code index}, cast to {@code type} (for example the learner's model). */
    public <T extends Transformer> T stage(int index, Class<T> type) {
        Transformer t = stages.get(index);
        if (!type.isInstance(t)) {
            throw new MlException("Stage " + index + " is a " + t.getClass().getSimpleName() + ", not a " + type.getSimpleName());
        }
        return type.cast(t);
    }

    /** The last stage, typically the learner's model, cast to {@code type}. */
    public <T extends Transformer> T last(Class<T> type) {
        return stage(stages.size() - 1, type);
    }

    @Override
    public DataFrame transform(DataFrame frame) {
        DataFrame cur = frame;
        for (Transformer t : stages) {
            cur = t.transform(cur);
        }
        return cur;
    }

    /**
     * Runs one row (column name to value, e.g. {@code Map.of("hour", 17, "origin", "JFK", ...)})
     * through every stage and returns it with all their outputs, such as {@code prediction} and
     * {@code probability}. Every stage must be a {@link RowTransformer} (the built-in models are).
     */
    public Map<String, Object> transformRow(Map<String, ?> row) {
        Map<String, Object> cur = new java.util.LinkedHashMap<>(row);
        for (int i = 0; i < stages.size(); i++) {
            if (!(stages.get(i) instanceof RowTransformer rt)) {
                throw new MlException("Stage " + i + " (" + stages.get(i).getClass().getSimpleName()
                        + ") cannot transform a single row; transform a frame instead");
            }
            cur = rt.transformRow(cur);
        }
        return cur;
    }

    /** Loads a pipeline model saved with {@link #save}. */
    public static PipelineModel load(String path) {
        return Models.load(path, PipelineModel.class);
    }

    @Override
    public String modelType() {
        return "PipelineModel";
    }

    @Override
    public void writeJson(ObjectNode out) {
        ArrayNode arr = out.putArray("stages");
        for (int i = 0; i < stages.size(); i++) {
            Transformer t = stages.get(i);
            if (!(t instanceof Model m)) {
                throw new MlException("Pipeline stage " + i + " (" + t.getClass().getSimpleName()
                        + ") is a plain transformer and cannot be saved; only fitted models can");
            }
            arr.add(ModelIO.toJson(m));
        }
    }

    static PipelineModel readJson(JsonNode in) {
        JsonNode arr = in.get("stages");
        if (arr == null || !arr.isArray()) {
            throw new MlException("a PipelineModel needs a \"stages\" array");
        }
        List<Transformer> out = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            out.add(ModelIO.fromJson(arr.get(i), "stage " + i));
        }
        return new PipelineModel(out);
    }

    @Override
    public String toString() {
        return "PipelineModel" + stages;
    }
}
