/** The bench workflows' one activity: a round trip through the worker that does nothing. */
export const benchActivities = {
  touch(_what: string): Promise<void> {
    return Promise.resolve();
  },
};

export type BenchActivities = typeof benchActivities;
