/**
 * Every problem found in an environment, reported together so one edit-and-retry fixes them all.
 */
export class ConfigError extends Error {
  readonly issues: string[];

  constructor(issues: readonly string[], summary?: string) {
    const list = [...new Set(issues)];
    const head =
      summary ??
      (list.length === 1
        ? 'The environment configuration has a problem:'
        : `The environment configuration has ${list.length} problems:`);
    super(`${head}\n${list.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = list;
  }
}

/** Collects issues from independent steps, then throws them as one ConfigError. */
export class IssueCollector {
  readonly issues: string[] = [];

  add(issue: string): void {
    this.issues.push(issue);
  }

  addFrom(err: unknown): void {
    if (err instanceof ConfigError) this.issues.push(...err.issues);
    else throw err;
  }

  /** Runs fn; a ConfigError it throws is recorded and `fallback` returned instead. */
  attempt<T>(fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (err) {
      this.addFrom(err);
      return fallback;
    }
  }

  throwIfAny(summary?: string): void {
    if (this.issues.length > 0) throw new ConfigError(this.issues, summary);
  }
}
