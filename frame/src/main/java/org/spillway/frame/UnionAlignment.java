package org.spillway.frame;

import java.util.ArrayList;
import java.util.List;
import org.spillway.frame.Expr.ColumnRef;
import org.spillway.spill.Schema;

/**
 * Lines the right side of {@link DataFrame#union} and {@link DataFrame#unionByName} up with the left:
 * checks that the two schemas can be stacked, and gives the projection of the right side that names
 * and orders its columns as the left's. Only the column expressions are built here; the frame puts
 * them on its plan (and skips the projection when the right side's names already equal the left's).
 */
final class UnionAlignment {
    private UnionAlignment() {
    }

    /**
     * The right side's columns, matched by position and renamed to the left's names.
     *
     * @throws SpillwayException if the column counts differ, naming the first column whose types differ
     */
    static List<Expr> byPosition(Schema l, Schema r) {
        if (l.size() != r.size()) {
            throw new SpillwayException("union() matches columns by position, but this frame has " + l.size() + " columns "
                    + l.names() + " and the other " + r.size() + " " + r.names() + "; select the same number of columns first"
                    + " (or use unionByName)");
        }
        List<Expr> renamed = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            String ln = l.field(i).name();
            String rn = r.field(i).name();
            if (l.type(i) != r.type(i)) {
                throw new SpillwayException("union(): column " + (i + 1) + " is '" + ln + "' " + l.type(i) + " on the left but '"
                        + rn + "' " + r.type(i) + " on the right; cast one of them first, e.g. col(\"" + rn + "\").cast(DataType."
                        + l.type(i).name() + ")");
            }
            renamed.add(ln.equals(rn) ? new ColumnRef(rn) : new ColumnRef(rn).as(ln));
        }
        return renamed;
    }

    /**
     * The right side's columns, matched by name, in the left's order.
     *
     * @throws SpillwayException naming a column missing on one side or whose types differ
     */
    static List<Expr> byName(Schema l, Schema r) {
        for (int i = 0; i < l.size(); i++) {
            String n = l.field(i).name();
            int j = r.indexOf(n);
            if (j < 0) {
                throw new SpillwayException("unionByName(): column '" + n + "' of this frame is missing from the other frame, "
                        + "whose columns are " + r.names());
            }
            if (r.type(j) != l.type(i)) {
                throw new SpillwayException("unionByName(): column '" + n + "' is " + l.type(i) + " in this frame but "
                        + r.type(j) + " in the other; cast one of them first, e.g. col(\"" + n + "\").cast(DataType."
                        + l.type(i).name() + ")");
            }
        }
        for (String n : r.names()) {
            if (l.indexOf(n) < 0) {
                throw new SpillwayException("unionByName(): column '" + n + "' of the other frame is missing from this frame, "
                        + "whose columns are " + l.names());
            }
        }
        return l.names().stream().map(n -> (Expr) new ColumnRef(n)).toList();
    }
}
