package org.spillway.frame.exec.pipeline;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;
import org.spillway.spill.chunk.Chunk;

/** Folds chunks into one accumulator per worker, then combines them. */
public final class ReduceTerminal<A> implements Terminal<A[], A> {
    private final Supplier<A> zero;
    private final BiConsumer<A, Chunk> fold;
    private final BinaryOperator<A> combine;

    public ReduceTerminal(Supplier<A> zero, BiConsumer<A, Chunk> fold, BinaryOperator<A> combine) {
        this.zero = zero;
        this.fold = fold;
        this.combine = combine;
    }

    @Override
    @SuppressWarnings("unchecked")
    public A[] newLocal() {
        return (A[]) new Object[] {zero.get()};
    }

    @Override
    public boolean accept(A[] local, int seq, int index, Chunk chunk, boolean independent) {
        fold.accept(local[0], chunk);
        return false;
    }

    @Override
    public A finish(List<A[]> locals) {
        A acc = zero.get();
        for (A[] l : locals) {
            acc = combine.apply(acc, l[0]);
        }
        return acc;
    }
}
