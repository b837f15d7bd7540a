/** Runs `fn` in `lanes` closed loops for `seconds`; returns completions per second. */
export async function throughput(
  seconds: number,
  lanes: number,
  fn: (i: number) => Promise<void>,
): Promise<number> {
  const until = Date.now() + seconds * 1000;
  let done = 0;
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (Date.now() < until) {
        await fn(next++);
        done += 1;
      }
    }),
  );
  return done / ((Date.now() - started) / 1000);
}
