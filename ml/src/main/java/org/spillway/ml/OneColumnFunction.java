package org.spillway.ml;

import java.util.Set;
import org.spillway.frame.ColumnNotFoundException;
import org.spillway.frame.udf.VectorFunction;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;

/** A vector function of one input column: the column's lookup in the input schema and its projection. */
abstract class OneColumnFunction implements VectorFunction {
    /** The input column. */
    final String column;

    OneColumnFunction(String column) {
        this.column = column;
    }

    /** The type of the input column in {@code schema}; a {@link ColumnNotFoundException} if it has none. */
    final DataType inputType(Schema schema) {
        int i = schema.indexOf(column);
        if (i < 0) {
            throw new ColumnNotFoundException(column, schema.names());
        }
        return schema.type(i);
    }

    @Override
    public final Set<String> inputColumns() {
        return Set.of(column);
    }
}
