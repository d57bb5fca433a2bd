package org.spillway.ml;

import java.util.Map;

/** The result of an {@link Evaluator}: named metric values, with typed accessors on each implementation. */
public interface Metrics {
    /** Every metric by name, in a stable order. */
    Map<String, Double> asMap();

    /** The metric called {@code name}; an unknown name is an error listing the known ones. */
    default double get(String name) {
        Double v = asMap().get(name);
        if (v == null) {
            throw new MlException("Unknown metric '" + name + "'; known: " + asMap().keySet());
        }
        return v;
    }
}
