/** A playbook that cannot run as written (unknown handler, bad serial, limit matching nothing). */
export class PlaybookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlaybookError';
  }
}
