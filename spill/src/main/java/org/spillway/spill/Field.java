package org.spillway.spill;

import java.util.Objects;

/**
 * A named, typed column of a {@link Schema}.
 *
 * @param name the column name, unique within its schema
 * @param type the column's type
 */
public record Field(String name, DataType type) {
    /** Checks both parts are present. */
    public Field {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(type, "type is null");
    }

    @Override
    public String toString() {
        return name + ": " + type;
    }
}
