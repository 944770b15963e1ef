import type { Logger } from 'pino';

/**
 * Runs `step` in a loop: again at once while it finds work, after `idleMs` when it found
 * none, after a second when it failed. `nudge()` cuts an idle wait short.
 */
export function createPoller(name: string, step: () => Promise<boolean>, idleMs: number, logger: Logger) {
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  function pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      wake = undefined;
    });
  }

  async function run(): Promise<void> {
    while (running) {
      let busy = false;
      try {
        busy = await step();
      } catch (error) {
        logger.error({ err: error }, `${name} failed; retrying`);
        await pause(1000);
      }
      if (!busy && running) await pause(idleMs);
    }
  }

  return {
    start(): void {
      if (running) return;
      running = true;
      loop = run();
    },
    nudge(): void {
      wake?.();
    },
    async stop(): Promise<void> {
      running = false;
      wake?.();
      await loop;
    },
  };
}
