package org.spillway.frame.exec.aggregate.function;

import org.spillway.spill.DataType;

/**
 * An {@link AggFn} whose partial columns are its state longs as they are, and whose states merge
 * directly: count, the sums, mean, the moments and corr. One base says so once for all of them;
 * both answers are asked per table or per chunk, never per row.
 */
abstract class StateColumnsFn extends AggFn {
    StateColumnsFn(DataType inType) {
        super(inType);
    }

    @Override
    public final boolean partialIsState() {
        return true;
    }

    @Override
    public final boolean mergesStates() {
        return true;
    }
}
