/**
 * Optimizers for the learners: {@link org.spillway.ml.optim.Lbfgs} (L-BFGS with a strong-Wolfe line
 * search, and OWL-QN when L1 weights are set) minimises a {@link org.spillway.ml.optim.DiffFunction}
 * whose every evaluation is one parallel pass over the data; {@link org.spillway.ml.optim.Adam} is the
 * update rule of the streaming mini-batch solver.
 */
package org.spillway.ml.optim;
