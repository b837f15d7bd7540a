import { sustainedRate } from '../bench/lib/stats';

describe('sustainedRate: the rate a bench may quote', () => {
  const steps = (...passes: boolean[]) => passes.map((pass, i) => ({ achieved: 10 * (i + 1), pass }));
  const passed = (step: { pass: boolean }) => step.pass;

  test('when every step passed, then it is the highest', () => {
    expect(sustainedRate(steps(true, true, true), passed)).toBe(30);
  });

  test('when a step passed above a miss, then only the passes below the first miss count', () => {
    expect(sustainedRate(steps(true, false, true), passed)).toBe(10);
  });

  test('when the first step missed, then nothing is sustained', () => {
    expect(sustainedRate(steps(false, true), passed)).toBe(0);
    expect(sustainedRate([], passed)).toBe(0);
  });
});
