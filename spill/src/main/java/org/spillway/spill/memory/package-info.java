/**
 * The memory budget: one {@link org.spillway.spill.memory.MemoryBudget} per session counts every sizeable
 * allocation (chunk vectors, hash tables, sort buffers) against one limit, through named
 * {@link org.spillway.spill.memory.Reservation}s, and makes room by asking
 * {@link org.spillway.spill.memory.Spillable}s (the pool, the chunk store) to write state to disk, then the
 * revocable {@link org.spillway.spill.memory.MemoryConsumer}s (operator instances such as
 * {@code HashAggregate#3}) to spill theirs.
 *
 * <pre>
 *  operator --budget.register(kind[, revocableBytes])--&gt; MemoryConsumer kind#n (n: per budget, i.e. per session)
 *  consumer.newReservation(part) / reserve(part, n) --&gt; Reservation "kind#n (part)"; budget.newReservation(name): by name
 *  Reservation.grow(d) --&gt; tryAcquire: CAS on used, only if used + d &lt;= limit --&gt; fits: done
 *     short: up to 64 rounds of
 *       spillOthers(shortfall + min(d, limit / 64)): the pool, then spillables by spillableBytes(), largest first
 *       tryAcquire again; nothing released: wait for other threads' spills in flight, then
 *       the consumers: requestRevoke() on the largest revocable ones (a flag: bumps their revoke epoch),
 *       and wait up to 500 ms for them to spill at their next safe point
 *     give up --&gt; BudgetExceededException: the reservation's operator instance and part, how much, held (by
 *                 it and its instance), free, top 3 holders by instance, what each spillable could still spill,
 *                 and what to change (memory limit, chunk rows, parallelism)
 *  Reservation.growOrRevoke(d) --&gt; as grow up to the consumers, then false instead of throwing: the caller
 *                 spills its own state on its own thread (and reports consumer.revoked(bytes)); when its own
 *                 bytes cannot cover the shortfall, the largest other revocable consumers are asked first
 *  Reservation.growIfRoom(d) --&gt; spillables only, false when short (state with a smaller fallback)
 *  Reservation.tryGrow(d) --&gt; tryAcquire only (no spilling; false when short)
 *  Reservation.shrink(d) / close() --&gt; used - d / used - everything held
 * </pre>
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code used} never exceeds the limit: every increase is a compare-and-set that checks it. It is
 *       the sum of the open reservations' bytes; {@code peak()} and {@code spilledBytes()} are for
 *       reports.</li>
 *   <li>A reservation is thread-safe. {@code close()} returns all it holds and is idempotent;
 *       {@code grow} after it throws, and shrinking below zero throws rather than corrupt the count.</li>
 *   <li>The budget holds no lock while it calls a spillable. Several threads short of memory spill at
 *       once (a spillable hands disjoint victims to concurrent callers), each asking a little more than
 *       its shortfall, since lock-free reservers may take what a spill frees first. A thread that finds
 *       nothing to spill waits (woken when a spill ends, at the latest every 50 ms) while other threads
 *       are still spilling, so memory about to be freed is not reported missing; if interrupted it
 *       fails and says so.</li>
 *   <li>Spillable protocol: {@code spill(bytesWanted)} may be called from any thread, also from inside
 *       the owner's own reservation (e.g. a chunk store reading a chunk back), while the owner works; it
 *       must be thread-safe, must not reserve from the budget, must return memory through its
 *       reservations before returning, and returns the bytes it released. {@code spillableBytes()} is
 *       what it could release now, without waiting.</li>
 *   <li>Consumer protocol: operator state is mutated only by its own worker threads, so the budget never
 *       spills it from another thread. Each worker compares {@code revokeEpoch()} with the epoch it last
 *       honoured before each chunk (its safe point) and spills when it changed; a worker whose
 *       {@code growOrRevoke} is false spills at once. Both report {@code revoked(bytes)}, counted per kind
 *       ({@code revokeStats()}: {@code memory.revokes.<kind>}, {@code memory.revokedBytes.<kind>},
 *       {@code memory.revokeRequests.<kind>}). Operators never catch {@code BudgetExceededException}: it is
 *       only the final failure.</li>
 *   <li>Leak check: {@code MemoryBudget.close()} closes the pool, then throws if any reservation still
 *       holds bytes, naming each by consumer.</li>
 *   <li>Chunk memory is lent by the budget's {@link org.spillway.spill.memory.SegmentPool}
 *       ({@code budget.pool().allocate(consumer, n)}: a {@link org.spillway.spill.memory.PooledArena} over
 *       a block of a long-lived slab, with a reservation of {@code n}); closing it gives the block back
 *       instead of closing a shared arena (a handshake with every thread). The pool's own reservation
 *       pays for its idle blocks and slack, so they count against the limit; {@code used()} leaves it out
 *       ({@code pooled()}), {@code free()} does not, and asked to spill, the pool closes idle slabs.</li>
 * </ul>
 *
 * <p>Cost: a reservation that fits is a CAS loop on one counter plus the peak update; only a shortfall
 * sorts the spillables, and only failure builds the diagnostic message.
 */
package org.spillway.spill.memory;
