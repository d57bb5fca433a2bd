package org.spillway.spill.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.IntVectorBuilder;
import org.spillway.spill.vector.StringVector;
import org.spillway.spill.vector.StringVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

class RowGeneratorTest {
    /** Row i is (3 i, "r<i>"). */
    private record Counting(long rows) implements RowGenerator {
        @Override
        public Schema schema() {
            return Schema.of(new Field("x", DataType.INT32), new Field("s", DataType.STRING));
        }

        @Override
        public void fill(long fromRow, int count, List<VectorBuilder> builders) {
            RowGenerator.checkFill(this, fromRow, count, builders);
            for (long i = fromRow; i < fromRow + count; i++) {
                ((IntVectorBuilder) builders.get(0)).append((int) (3 * i));
                ((StringVectorBuilder) builders.get(1)).append("r" + i);
            }
        }
    }

    private static List<VectorBuilder> builders(Schema s) {
        List<VectorBuilder> out = new ArrayList<>();
        for (Field f : s.fields()) {
            out.add(VectorBuilder.forType(f.type(), 8));
        }
        return out;
    }

    @Test
    void blocksFilledInAnyOrderBuildTheSameChunks() {
        RowGenerator g = new Counting(10);
        try (MemoryBudget budget = new MemoryBudget(1 << 20)) {
            List<VectorBuilder> b = builders(g.schema());
            g.fill(6, 4, b);
            g.fill(2, 4, b); // appends after what the builders hold
            try (Chunk c = Chunk.build(g.schema(), b, budget, "test")) {
                assertEquals(8, c.rows());
                int[] expected = {18, 21, 24, 27, 6, 9, 12, 15};
                for (int i = 0; i < 8; i++) {
                    assertEquals(expected[i], ((IntVector) c.column(0)).get(i));
                    assertEquals("r" + expected[i] / 3, ((StringVector) c.column(1)).getString(i));
                }
            }
            assertEquals(0, budget.used());
        }
    }

    @Test
    void checkFillSaysWhatIsWrong() {
        RowGenerator g = new Counting(10);
        List<VectorBuilder> b = builders(g.schema());
        IndexOutOfBoundsException range = assertThrows(IndexOutOfBoundsException.class, () -> g.fill(8, 3, b));
        assertTrue(range.getMessage().contains("rows [8, 8 + 3) are outside [0, 10)"), range.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> g.fill(-1, 1, b));
        assertThrows(IndexOutOfBoundsException.class, () -> g.fill(0, -1, b));
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class, () -> g.fill(0, 1, b.subList(0, 1)));
        assertTrue(count.getMessage().contains("1 builders were given for the 2 columns [x, s]"), count.getMessage());
        List<VectorBuilder> swapped = List.of(b.get(1), b.get(0));
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> g.fill(0, 1, swapped));
        assertTrue(type.getMessage().contains("column 'x' builds string but the column is int32"), type.getMessage());
        g.fill(10, 0, b); // an empty range at the end is fine
        assertEquals(0, b.getFirst().size());
    }
}
