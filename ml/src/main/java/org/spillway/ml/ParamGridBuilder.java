package org.spillway.ml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the grid of a hyperparameter search, as Spark's {@code ParamGridBuilder}: every combination
 * of the values given per parameter, the first parameter varying slowest.
 *
 * <pre>{@code
 * List<ParamMap> grid = new ParamGridBuilder()
 *         .addGrid("regParam", 0.0, 0.001, 0.01)
 *         .addGrid("elasticNetParam", 0.0, 1.0)
 *         .build();                                    // 6 points
 * }</pre>
 */
public final class ParamGridBuilder {
    private final Map<String, List<Object>> grid = new LinkedHashMap<>();

    /** An empty grid (one point with no parameters). */
    public ParamGridBuilder() {
    }

    /** The values to try for {@code name}. */
    public ParamGridBuilder addGrid(String name, Object... values) {
        if (values.length == 0) {
            throw new MlException("addGrid(\"" + name + "\"): give at least one value");
        }
        if (grid.containsKey(name)) {
            throw new MlException("addGrid(\"" + name + "\") was called twice");
        }
        grid.put(name, List.of(values));
        return this;
    }

    /** Every combination. */
    public List<ParamMap> build() {
        List<Map<String, Object>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<Object>> e : grid.entrySet()) {
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> p : points) {
                for (Object v : e.getValue()) {
                    Map<String, Object> q = new LinkedHashMap<>(p);
                    q.put(e.getKey(), v);
                    next.add(q);
                }
            }
            points = next;
        }
        return points.stream().map(ParamMap::new).toList();
    }
}
