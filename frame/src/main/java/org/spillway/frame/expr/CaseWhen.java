package org.spillway.frame.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.spillway.frame.Expr;
import org.spillway.frame.Functions;
import org.spillway.frame.SpillwayException;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;

/**
 * {@code CASE WHEN c1 THEN v1 WHEN c2 THEN v2 ... ELSE otherwise END}: the first branch whose
 * condition is true gives the value; no match gives {@code otherwise} (null when not set). Written
 * {@code when(c1, v1).when(c2, v2).otherwise(v)} (Spark) or {@code when(c1).then(v1).otherwise(v)} (Polars).
 */
public final class CaseWhen extends Expr {
    /** One {@code WHEN condition THEN value}. */
    public record Branch(Expr condition, Expr value) {
    }

    private final List<Branch> branches;
    private final Expr otherwise;

    /** Branches in order and the else value (may be null). */
    public CaseWhen(List<Branch> branches, Expr otherwise) {
        this.branches = List.copyOf(branches);
        this.otherwise = otherwise;
    }

    /** Adds a branch. */
    public CaseWhen when(Expr condition, Object value) {
        List<Branch> b = new ArrayList<>(branches);
        b.add(new Branch(condition, Functions.lit(value)));
        return new CaseWhen(b, otherwise);
    }

    /** Starts a branch to be completed with {@link Pending#then}. */
    public Pending when(Expr condition) {
        return new Pending(branches, condition, otherwise);
    }

    /** Sets the value of rows no branch matched. */
    public CaseWhen otherwise(Object value) {
        return new CaseWhen(branches, Functions.lit(value));
    }

    /** A {@code when(condition)} waiting for its {@code then(value)}. */
    public static final class Pending {
        private final List<Branch> branches;
        private final Expr condition;
        private final Expr otherwise;

        /** For {@code Functions.when(cond)}. */
        public Pending(List<Branch> branches, Expr condition, Expr otherwise) {
            this.branches = branches;
            this.condition = condition;
            this.otherwise = otherwise;
        }

        /** Completes the branch. */
        public CaseWhen then(Object value) {
            List<Branch> b = new ArrayList<>(branches);
            b.add(new Branch(condition, Functions.lit(value)));
            return new CaseWhen(b, otherwise);
        }
    }

    @Override
    public DataType type(Schema schema) {
        DataType result = null;
        List<Expr> values = new ArrayList<>();
        for (Branch b : branches) {
            DataType ct = b.condition instanceof Literal l && l.value() == null ? DataType.BOOL : b.condition.type(schema);
            if (ct != DataType.BOOL) {
                throw new SpillwayException("Type error in " + this + ": the condition " + b.condition + " is " + ct + ", not bool");
            }
            values.add(b.value);
        }
        if (otherwise != null) {
            values.add(otherwise);
        }
        for (Expr v : values) {
            if (v instanceof Literal l && l.value() == null) {
                continue;
            }
            DataType t = v.type(schema);
            result = result == null ? t : unify(result, t, v);
        }
        return result == null ? DataType.STRING : result;
    }

    private DataType unify(DataType a, DataType b, Expr at) {
        if (a == b) {
            return a;
        }
        if (a.isNumeric() && b.isNumeric()) {
            return a == DataType.FLOAT64 || b == DataType.FLOAT64 ? DataType.FLOAT64 : DataType.INT64;
        }
        throw new SpillwayException("Type error in " + this + ": branch value " + at + " is " + b
                + " but an earlier one is " + a + "; cast them to one type");
    }

    @Override
    public Values eval(Chunk chunk) {
        DataType t = type(chunk.schema());
        int n = chunk.rows();
        Values out = Values.constant(t, null, n); // all null until a branch matches
        boolean[] done = new boolean[n];
        for (Branch b : branches) {
            // SQL evaluates a condition only for rows no earlier branch took, and a value only
            // for the rows its condition holds: errors elsewhere must not fail the query.
            Values c = masked(b.condition, chunk, t, notDone(done), false);
            boolean[] take = new boolean[n];
            for (int i = 0; i < n; i++) {
                take[i] = !done[i] && !c.isNull(i) && c.bools[i];
            }
            Values v = masked(b.value, chunk, t, take, true);
            for (int i = 0; i < n; i++) {
                if (take[i]) {
                    done[i] = true;
                    copy(v, i, out);
                }
            }
        }
        if (otherwise != null) {
            boolean[] rest = notDone(done);
            Values v = masked(otherwise, chunk, t, rest, true);
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

    private static Values masked(Expr e, Chunk chunk, DataType t, boolean[] mask, boolean value) {
        boolean[] prev = EvalMask.push(mask);
        try {
            return value ? coerce(e, t, chunk) : e.eval(chunk);
        } finally {
            EvalMask.pop(prev);
        }
    }

    private static Values coerce(Expr e, DataType t, Chunk chunk) {
        if (e instanceof Literal l) {
            return l.evalAs(t, chunk.rows());
        }
        Values v = e.eval(chunk);
        if (v.type != t && t == DataType.FLOAT64) {
            Values d = new Values(DataType.FLOAT64, v.n);
            d.nulls = v.nulls;
            for (int i = 0; i < v.n; i++) {
                d.doubles[i] = v.asDouble(i);
            }
            return d;
        }
        return v;
    }

    private static void copy(Values from, int i, Values to) {
        if (from.isNull(i)) {
            return;
        }
        to.nulls[i] = false;
        switch (to.type) {
            case FLOAT64 -> to.doubles[i] = from.doubles[i];
            case BOOL -> to.bools[i] = from.bools[i];
            case STRING -> to.strings[i] = from.strings[i];
            default -> to.longs[i] = from.longs[i];
        }
    }

    @Override
    public void collectColumns(Set<String> out) {
        for (Branch b : branches) {
            b.condition.collectColumns(out);
            b.value.collectColumns(out);
        }
        if (otherwise != null) {
            otherwise.collectColumns(out);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("CASE");
        for (Branch b : branches) {
            sb.append(" WHEN ").append(b.condition).append(" THEN ").append(b.value);
        }
        if (otherwise != null) {
            sb.append(" ELSE ").append(otherwise);
        }
        return sb.append(" END").toString();
    }
}
