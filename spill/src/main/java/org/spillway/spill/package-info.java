/** Placeholder replaced below. */
package org.spillway.spill;
