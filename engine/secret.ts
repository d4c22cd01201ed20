/**
 * A value that must never be printed: passwords, auth keys. Every way of turning it into text
 * (template literals, JSON.stringify, console.log / util.inspect) yields a mask; only an explicit
 * reveal() returns the value, so leaking one takes a deliberate call.
 */
import { inspect } from 'node:util';

export const SECRET_MASK = '********';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return SECRET_MASK;
  }

  toJSON(): string {
    return SECRET_MASK;
  }

  [inspect.custom](): string {
    return SECRET_MASK;
  }
}

export function isSecret(value: unknown): value is Secret {
  return value instanceof Secret;
}

/** The value behind a Secret, or the value itself; for code that must send the real thing. */
export function reveal(value: unknown): unknown {
  return isSecret(value) ? value.reveal() : value;
}
