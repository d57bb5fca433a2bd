package org.spillway.ml;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns of a row held as an array of values, position by position, while a chain of {@link RowKernel}s is
 * compiled ({@link RowTransformer#compile}): it starts with the input columns, and each stage compiled against it
 * asks for the positions of the columns it reads ({@link #read}) and of those it writes ({@link #write}: a column
 * already there is replaced in place, a new one gets the next position). Once every stage is compiled, rows are
 * arrays of {@link #width()} values whose first positions hold the inputs. Not thread-safe; a compiled kernel is.
 */
public final class RowLayout {
    private final List<String> names = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();

    /** A layout holding the input columns {@code inputs}, in order. */
    public RowLayout(List<String> inputs) {
        for (String c : inputs) {
            if (index.putIfAbsent(c, names.size()) != null) {
                throw new MlException("The input column '" + c + "' is named twice in " + inputs);
            }
            names.add(c);
        }
    }

    /**
     * The position of column {@code column}, which stage {@code owner} reads.
     *
     * @throws MlException naming the column, the stage and the columns there are, when it is not there
     */
    public int read(String column, String owner) {
        Integer i = index.get(column);
        if (i == null) {
            throw new MlException(owner + " reads the column '" + column + "', but the row has only " + names);
        }
        return i;
    }

    /** The position of column {@code column}, -1 when there is none. */
    public int indexOf(String column) {
        Integer i = index.get(column);
        return i == null ? -1 : i;
    }

    /** The position a stage writes column {@code column} to: its own if it is there (replaced), else a new one. */
    public int write(String column) {
        Integer i = index.get(column);
        if (i != null) {
            return i;
        }
        index.put(column, names.size());
        names.add(column);
        return names.size() - 1;
    }

    /** The number of positions so far. */
    public int width() {
        return names.size();
    }

    /** The column names so far, in position order (a copy). */
    public List<String> names() {
        return List.copyOf(names);
    }
}
