/** What a step of the intake bench is held to (bench/README.md, "Intake"). */
export const ACK_P99_LIMIT_MS = 250;
/** A rate counts as sustained only if the desk also keeps up: its tickets reach a dispatch decision this fast (p99). */
export const DISPATCH_P99_LIMIT_MS = 5000;
/** Updates in a ticket's lifecycle (accept, resolve, confirm), and so in the no-op of its shape. */
export const UPDATES_PER_LIFECYCLE = 3;

/** A step passed its acknowledgement (or start) test: p99 within the limit, no errors, 90% of the rate achieved. */
export const accepted = (s: {
  latency: { p99: number };
  errors: number;
  achieved: number;
  rate: number;
}): boolean => s.latency.p99 < ACK_P99_LIMIT_MS && s.errors === 0 && s.achieved >= 0.9 * s.rate;
