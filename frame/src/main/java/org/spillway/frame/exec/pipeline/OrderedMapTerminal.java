package org.spillway.frame.exec.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.spillway.spill.chunk.Chunk;

/**
 * Maps every chunk in parallel and hands the results to one consumer, serially, in chunk order
 * (morsel by morsel, and by chunk index within a morsel): an ordered reduction whose result does
 * not depend on which worker ran which chunk, nor on how many workers there were. The results of the
 * morsel next in order go to the consumer as they come; those of later morsels wait in a buffer until
 * the morsels before theirs are done (since the scheduler starts morsels in order, about one morsel
 * per other worker).
 */
public final class OrderedMapTerminal<R> implements Terminal<Void, Void> {
    private final Function<Chunk, R> map;
    private final Consumer<R> inOrder;
    // results by morsel; a morsel's list is filled by the one worker running it, before its morselDone
    private final ConcurrentHashMap<Integer, List<R>> pending = new ConcurrentHashMap<>();
    private final TreeMap<Integer, Boolean> done = new TreeMap<>();
    private int next;

    public OrderedMapTerminal(Function<Chunk, R> map, Consumer<R> inOrder) {
        this.map = map;
        this.inOrder = inOrder;
    }

    @Override
    public Void newLocal() {
        return null;
    }

    @Override
    public boolean accept(Void local, int seq, int index, Chunk chunk, boolean independent) {
        if (chunk.rows() == 0) {
            return false;
        }
        R r = map.apply(chunk);
        synchronized (this) {
            if (seq == next) {
                // the morsel being delivered: its results go straight to the consumer (after any it buffered
                // before it became next), so only later morsels buffer theirs; a slow consumer holds the
                // other workers here, which bounds what waits
                List<R> earlier = pending.remove(seq);
                if (earlier != null) {
                    for (R e : earlier) {
                        inOrder.accept(e);
                    }
                }
                inOrder.accept(r);
                return false;
            }
            pending.computeIfAbsent(seq, s -> new ArrayList<>()).add(r); // one worker per morsel: in index order
        }
        return false;
    }

    @Override
    public synchronized void morselDone(Void local, int seq, long rows) {
        done.put(seq, Boolean.TRUE);
        while (done.remove(next) != null) {
            List<R> rs = pending.remove(next);
            if (rs != null) {
                for (R r : rs) {
                    inOrder.accept(r);
                }
            }
            next++;
        }
    }

    @Override
    public Void finish(List<Void> locals) {
        synchronized (this) {
            if (!pending.isEmpty() || !done.isEmpty()) {
                throw new IllegalStateException("ordered map: results of morsels " + pending.keySet() + " were never delivered");
            }
        }
        return null;
    }
}
