package org.spillway.ml;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One point of a hyperparameter grid: parameter names and their values, in the order they were
 * added to the {@link ParamGridBuilder}. Immutable.
 */
public final class ParamMap {
    private final Map<String, Object> values;

    ParamMap(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The values by name. */
    public Map<String, Object> asMap() {
        return values;
    }

    /** The value of {@code name}; a missing name is an error listing the known ones. */
    public Object get(String name) {
        if (!values.containsKey(name)) {
            throw new MlException("No parameter '" + name + "' in this grid point; it has " + values.keySet());
        }
        return values.get(name);
    }

    /** A numeric value as a double. */
    public double getDouble(String name) {
        return ((Number) get(name)).doubleValue();
    }

    /** A numeric value as an int. */
    public int getInt(String name) {
        Number v = (Number) get(name);
        if (v.doubleValue() != v.intValue()) {
            throw new MlException("Parameter '" + name + "' = " + v + " is not an integer");
        }
        return v.intValue();
    }

    /** A text value. */
    public String getString(String name) {
        return String.valueOf(get(name));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamMap p && p.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
