package org.spillway.frame.exec.eval;

import java.util.List;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;
import org.spillway.spill.chunk.Chunk;

/**
 * Evaluates {@code CASE WHEN ... THEN ... ELSE ... END}. As SQL, a condition is evaluated only for
 * the rows no earlier branch took, and a value only for the rows its condition holds: an error
 * (a failed cast, an overflow) in other rows gives null there instead of failing ({@link EvalMask}).
 */
final class CaseWhenEval implements PhysicalExpr {
    private final DataType type;
    private final List<PhysicalExpr> conditions;
    private final List<PhysicalExpr> values; // already of the CASE's type
    private final PhysicalExpr otherwise;

    CaseWhenEval(DataType type, List<PhysicalExpr> conditions, List<PhysicalExpr> values, PhysicalExpr otherwise) {
        this.type = type;
        this.conditions = List.copyOf(conditions);
        this.values = List.copyOf(values);
        this.otherwise = otherwise;
    }


    @Override
    public HeapColumn eval(Chunk chunk) {
        DataType t = type;
        int n = chunk.rows();
        HeapColumn out = HeapColumn.nulls(t, n); // all null until a branch matches
        boolean[] done = new boolean[n];
        for (int k = 0; k < conditions.size(); k++) {
            // SQL evaluates a condition only for rows no earlier branch took, and a value only
            // for the rows its condition holds: errors elsewhere must not fail the query.
            HeapColumn c = masked(conditions.get(k), chunk, notDone(done));
            boolean[] take = new boolean[n];
            for (int i = 0; i < n; i++) {
                take[i] = !done[i] && !c.isNull(i) && c.bools[i];
            }
            HeapColumn v = masked(values.get(k), chunk, take);
            for (int i = 0; i < n; i++) {
                if (take[i]) {
                    done[i] = true;
                    copy(v, i, out);
                }
            }
        }
        if (otherwise != null) {
            boolean[] rest = notDone(done);
            HeapColumn v = masked(otherwise, chunk, rest);
            for (int i = 0; i < n; i++) {
                if (rest[i]) {
                    copy(v, i, out);
                }
            }
        }
        return out;
    }

    private static boolean[] notDone(boolean[] done) {
        boolean[] m = new boolean[done.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = !done[i];
        }
        return m;
    }

    private static HeapColumn masked(PhysicalExpr e, Chunk chunk, boolean[] mask) {
        boolean[] prev = EvalMask.push(mask);
        try {
            return e.eval(chunk);
        } finally {
            EvalMask.pop(prev);
        }
    }

    private static void copy(HeapColumn from, int i, HeapColumn to) {
        if (from.isNull(i)) {
            return;
        }
        to.nulls[i] = false;
        switch (to.type.kind()) {
            case FLOAT64 -> to.doubles[i] = from.doubles[i];
            case BOOL -> to.bools[i] = from.bools[i];
            case STRING, BINARY, DECIMAL128 -> to.strings[i] = from.strings[i];
            default -> to.longs[i] = from.longs[i];
        }
    }

}
