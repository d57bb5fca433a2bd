/**
 * The pieces every pipeline is made of, shared by the executor and the operators.
 *
 * <pre>
 *   ChunkSource (exec.scan) ──morsel──► ChunkOperator ─► ChunkOperator ─► Terminal
 *                                       (FilterOperator,   (one instance    (newLocal / accept per worker,
 *                                        ProjectOperator)   per worker:      combine, finish once)
 *                                                           OperatorFactory)
 * </pre>
 *
 * <ul>
 *   <li>{@link org.spillway.frame.exec.pipeline.Terminal}: where a pipeline ends: each worker gets a local
 *       state, accepts chunks into it, and the locals are combined and finished once (collect, count,
 *       reduce, ordered map, random split, and the blocking operators' input sides).</li>
 *   <li>{@link org.spillway.frame.exec.pipeline.ExecContext}: the session's budget, chunk store, scheduler
 *       and sizes; {@link org.spillway.frame.exec.pipeline.Counters}: what operators did
 *       ({@code sw.counters()}).</li>
 *   <li>{@link org.spillway.frame.exec.pipeline.PlanRunner}: how an operator runs a sub-plan without
 *       depending on the executor.</li>
 * </ul>
 *
 * <p>Invariants: an operator either returns its input chunk's vectors (a pure projection of
 * columns) or builds a new chunk whose memory it reserved from the budget first; a chunk passed
 * downstream is owned by the next step, which closes it.
 */
package org.spillway.frame.exec.pipeline;
