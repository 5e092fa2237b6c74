import { startLocalLambda } from './local-lambda';

describe('startLocalLambda: reserved concurrency', () => {
  it('runs at most `concurrency` invocations at once; the others wait their turn and all run', async () => {
    let running = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const lambda = await startLocalLambda({
      functionName: 'f',
      concurrency: 2,
      handler: async () => {
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
      },
    });
    try {
      const runs = Array.from({ length: 5 }, (_, i) => lambda.invokeAsync(i));
      // Open the gates one by one, as the handlers reach them: never more than two are waiting.
      for (let opened = 0; opened < 5; opened++) {
        while (gates.length === 0) await new Promise((r) => setImmediate(r));
        expect(running).toBeLessThanOrEqual(2);
        (gates.shift() as () => void)();
      }
      await Promise.all(runs);
      expect(most).toBe(2);
      expect(running).toBe(0);
    } finally {
      await lambda.stop();
    }
  });
});
