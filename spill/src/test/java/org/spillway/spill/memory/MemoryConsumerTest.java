package org.spillway.spill.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The consumer protocol: instance names, growOrRevoke, revoke requests honoured at a safe point, the failure message. */
class MemoryConsumerTest {
    private static final long MB = 1 << 20;

    @Test
    void consumersAreNumberedPerBudgetAndNameTheirReservations() {
        try (MemoryBudget b = new MemoryBudget(16 * MB, false)) {
            MemoryConsumer agg = b.register("HashAggregate");
            MemoryConsumer sort = b.register("ExternalSort");
            assertEquals("HashAggregate#1", agg.name());
            assertEquals("ExternalSort#2", sort.name());
            try (Reservation r = agg.reserve("group by", MB)) {
                assertEquals("HashAggregate#1 (group by)", r.consumer());
                assertEquals(agg, r.owner());
                assertEquals(MB, agg.heldBytes());
            }
            assertEquals(0, agg.heldBytes());
            agg.close();
            sort.close();
            assertTrue(b.consumers().isEmpty());
        }
    }

    @Test
    void growOrRevokeReturnsFalseInsteadOfThrowingAndTheOwnerSpillsItself() {
        try (MemoryBudget b = new MemoryBudget(4 * MB, false)) {
            MemoryConsumer c = b.register("HashAggregate", () -> 0);
            try (Reservation r = c.newReservation("group by")) {
                assertTrue(r.growOrRevoke(3 * MB));
                assertFalse(r.growOrRevoke(2 * MB)); // no exception: the caller spills
                r.shrink(3 * MB);
                c.revoked(3 * MB);
                assertTrue(r.growOrRevoke(2 * MB));
            }
            assertEquals(1, c.revokes());
            assertEquals(1L, b.revokeStats().get("memory.revokes.HashAggregate"));
            assertEquals(3 * MB, b.revokeStats().get("memory.revokedBytes.HashAggregate"));
        }
    }

    @Test
    void aShortReservationAsksTheLargestRevocableConsumerWhichRevokesAtItsSafePoint() throws Exception {
        try (MemoryBudget b = new MemoryBudget(4 * MB, false)) {
            Reservation[] held = new Reservation[1];
            MemoryConsumer big = b.register("ExternalSort", () -> held[0].bytes());
            held[0] = big.reserve("sort buffer", 3 * MB);
            assertEquals(3 * MB, big.revocableBytes());
            MemoryConsumer join = b.register("HashJoin");
            assertFalse(join.isRevocable());
            // the owner's thread: compares the epoch between "chunks" and spills when asked
            long seen = big.revokeEpoch();
            CountDownLatch done = new CountDownLatch(1);
            Thread owner = new Thread(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (System.nanoTime() < deadline) {
                    if (big.revokeEpoch() != seen) {
                        long bytes = held[0].bytes();
                        held[0].shrink(bytes);
                        big.revoked(bytes);
                        break;
                    }
                    Thread.onSpinWait();
                }
                done.countDown();
            });
            owner.start();
            try (Reservation r = join.newReservation("join hash table")) {
                r.grow(2 * MB); // cannot spill itself: the budget asks ExternalSort#1, then waits for its revoke
                assertEquals(2 * MB, r.bytes());
            }
            assertTrue(done.await(10, TimeUnit.SECONDS));
            owner.join();
            assertEquals(1L, b.revokeStats().get("memory.revokeRequests.ExternalSort"));
            assertEquals(1, big.revokes());
            held[0].close();
        }
    }

    @Test
    void aRequesterWhoseOwnStateIsTooSmallAlsoAsksTheOthers() {
        try (MemoryBudget b = new MemoryBudget(4 * MB, false)) {
            Reservation[] held = new Reservation[2];
            MemoryConsumer other = b.register("ExternalSort", () -> held[0].bytes());
            held[0] = other.reserve("sort buffer", 3 * MB);
            MemoryConsumer self = b.register("HashAggregate", () -> held[1].bytes());
            held[1] = self.reserve("group by", MB / 2);
            assertFalse(held[1].growOrRevoke(2 * MB));
            assertEquals(1, other.revokeEpoch()); // asked: the requester's half MiB cannot cover 2 MiB
            assertEquals(0, self.revokeEpoch());
            held[1].close();
            held[0].close();
        }
    }

    @Test
    void theFinalFailureNamesTheOperatorInstanceAndTheLargestHolders() {
        try (MemoryBudget b = new MemoryBudget(4 * MB, false)) {
            MemoryConsumer sort = b.register("ExternalSort");
            MemoryConsumer agg = b.register("HashAggregate");
            try (Reservation s = sort.reserve("sort buffer", 3 * MB); Reservation a = agg.newReservation("group by")) {
                BudgetExceededException e = assertThrows(BudgetExceededException.class, () -> a.grow(2 * MB));
                assertTrue(e.getMessage().startsWith("HashAggregate#2 (group by) needs 2.0 MiB more"), e.getMessage());
                assertTrue(e.getMessage().contains("largest holders: ExternalSort#1 3.0 MiB"), e.getMessage());
                assertFalse(a.growOrRevoke(2 * MB));
                assertTrue(a.exceeded(2 * MB, " (detail)").getMessage().contains("(detail)"));
            }
        }
    }
}
