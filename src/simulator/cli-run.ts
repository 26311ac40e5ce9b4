/**
 * Runs a simulator CLI's `main`: an error ends the process with its message and exit code 1;
 * once `main` has started a simulator, SIGINT or SIGTERM closes it and exits (0, or 1 if the
 * close failed). `main` resolves undefined when it started nothing (e.g. `--help`).
 */
export function runSimulatorCli(main: () => Promise<{ close(): Promise<void> } | undefined>): void {
  main().then(
    (sim) => {
      if (sim === undefined) return;
      const stop = (): void => {
        sim.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
