/**
 * A host over SSH (ssh2): one connection per host, shared by every task. Commands run on exec
 * channels multiplexed over it (at most MAX_CHANNELS at once, below OpenSSH's MaxSessions=10 with
 * the one long-lived SFTP channel); files go through SFTP, or through sudo when becoming.
 */
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import { OutputCollector, signalExitCode } from './collect.ts';
import { Semaphore } from './semaphore.ts';
import {
  SFTP_NO_SUCH_FILE,
  SFTP_PERMISSION_DENIED,
  sftpCode,
  sftpLstat,
  sftpMkdirs,
  sftpRead,
  sftpRemove,
  sftpReplace,
  sftpWriteExact,
} from './sftp.ts';
import {
  commandLine,
  MISSING_EXIT,
  parentDir,
  readScript,
  scriptFor,
  stagingPath,
  TIMEOUT_GRACE_MS,
  writeFromStdinScript,
} from './shell.ts';
import { openSshConnection } from './ssh-connect.ts';
import type { SshSettings } from './ssh-settings.ts';
import type { ExecOptions, ExecResult, FileStat, Transport, WriteOptions } from './transport.ts';
import { UnreachableError } from './transport.ts';

export const MAX_CHANNELS = 8;

interface Session {
  client: Client;
  sftp?: Promise<SFTPWrapper>;
}

export class SshTransport implements Transport {
  readonly kind = 'ssh' as const;
  readonly hostName: string;
  private session?: Promise<Session>;
  private readonly channels = new Semaphore(MAX_CHANNELS);

  constructor(readonly settings: SshSettings) {
    this.hostName = settings.hostName;
  }

  async connect(): Promise<void> {
    await this.open();
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const { output, exitCode, gaveUp } = await this.run(scriptFor(command, options), options);
    return output.result(command, exitCode, gaveUp, options.timeoutMs);
  }

  async readFile(path: string): Promise<Buffer | undefined> {
    const sftp = await this.sftp();
    try {
      return await sftpRead(sftp, path);
    } catch (err) {
      // Unreadable as the login user: with become, read it as root instead.
      if (sftpCode(err) === SFTP_PERMISSION_DENIED && this.needsSudo(undefined))
        return await this.sudoRead(path);
      throw this.fileError('read', path, err);
    }
  }

  async writeFile(path: string, data: string | Buffer, options: WriteOptions = {}): Promise<void> {
    const bytes = Buffer.from(data);
    if (this.needsSudo(options.become)) {
      const res = await this.exec(writeFromStdinScript(path, options.mode), { become: true, stdin: bytes });
      if (res.exitCode !== 0) {
        throw new Error(
          `cannot write ${path} on ${this.hostName} with sudo: ${res.stderr.trim() || `exit ${res.exitCode}`}`,
        );
      }
      return;
    }
    const sftp = await this.sftp();
    const tmp = stagingPath(path);
    const mode = options.mode ?? (await sftpLstat(sftp, path).catch(() => undefined))?.mode ?? 0o644;
    try {
      try {
        await sftpWriteExact(sftp, tmp, bytes, mode);
      } catch (err) {
        if (sftpCode(err) !== SFTP_NO_SUCH_FILE) throw err;
        await sftpMkdirs(sftp, parentDir(path));
        await sftpWriteExact(sftp, tmp, bytes, mode);
      }
      await sftpReplace(sftp, tmp, path);
    } catch (err) {
      await sftpRemove(sftp, tmp);
      throw this.fileError('write', path, err);
    }
  }

  async stat(path: string): Promise<FileStat | undefined> {
    try {
      return await sftpLstat(await this.sftp(), path);
    } catch (err) {
      throw this.fileError('stat', path, err);
    }
  }

  async close(): Promise<void> {
    const pending = this.session;
    this.session = undefined;
    const session = await pending?.catch(() => undefined);
    session?.client.end();
  }

  private open(): Promise<Session> {
    if (!this.session) {
      const opening = openSshConnection(this.settings).then((client) => {
        client.setNoDelay(true);
        const session: Session = { client };
        const forget = () => {
          if (this.session === opening) this.session = undefined;
        };
        // Errors after the handshake (keepalive timeout, reset) end the session; the next call reconnects.
        client.on('error', forget);
        client.on('close', forget);
        return session;
      });
      opening.catch(() => {
        if (this.session === opening) this.session = undefined;
      });
      this.session = opening;
    }
    return this.session;
  }

  private async sftp(): Promise<SFTPWrapper> {
    const session = await this.open();
    if (!session.sftp) {
      session.sftp = new Promise<SFTPWrapper>((resolve, reject) =>
        session.client.sftp((err, sftp) =>
          err
            ? reject(
                new Error(
                  `cannot start SFTP on ${this.hostName}: ${err.message}; is the sftp subsystem enabled in sshd_config?`,
                ),
              )
            : resolve(sftp),
        ),
      );
      session.sftp.catch(() => {
        session.sftp = undefined;
      });
    }
    return await session.sftp;
  }

  /** Runs a script on an exec channel; raw output stays available for binary reads. */
  private async run(
    script: string,
    options: ExecOptions,
  ): Promise<{ output: OutputCollector; exitCode: number; gaveUp: boolean }> {
    const { client } = await this.open();
    const line = commandLine(script, this.needsSudo(options.become));
    return await this.channels.run(
      () =>
        new Promise((resolve, reject) => {
          const output = new OutputCollector(options);
          const started = (err: Error | undefined, stream: ClientChannel) => {
            if (err) {
              reject(new UnreachableError(this.hostName, `cannot open an SSH channel: ${err.message}`));
              return;
            }
            let settled = false;
            const finish = (exitCode: number, gaveUp: boolean) => {
              if (settled) return;
              settled = true;
              clearTimeout(backstop);
              resolve({ output, exitCode, gaveUp });
            };
            // The host-side timeout(1) normally ends it; this only covers a host without timeout(1).
            const backstop =
              options.timeoutMs === undefined
                ? undefined
                : setTimeout(() => {
                    stream.signal('KILL');
                    stream.close();
                    finish(signalExitCode('KILL'), true);
                  }, options.timeoutMs + TIMEOUT_GRACE_MS);
            stream.on('data', output.stdout);
            stream.stderr.on('data', output.stderr);
            stream.on('close', (code: number | null | undefined, signal?: string) => {
              // sshd always reports an exit status or signal; a channel closed without one means
              // the connection went away under the command.
              if (typeof code !== 'number' && !signal && !settled) {
                settled = true;
                clearTimeout(backstop);
                reject(
                  new UnreachableError(this.hostName, 'the SSH connection was lost while a command ran'),
                );
                return;
              }
              finish(typeof code === 'number' ? code : signalExitCode(signal), false);
            });
            stream.end(options.stdin);
          };
          try {
            client.exec(line, started);
          } catch (err) {
            reject(new UnreachableError(this.hostName, `connection lost: ${(err as Error).message}`));
          }
        }),
    );
  }

  private async sudoRead(path: string): Promise<Buffer | undefined> {
    const { output, exitCode } = await this.run(readScript(path), { become: true });
    if (exitCode === MISSING_EXIT) return undefined;
    if (exitCode !== 0)
      throw new Error(`cannot read ${path} on ${this.hostName} with sudo: exit ${exitCode}`);
    return output.stdoutBytes();
  }

  /** sudo only when becoming and not already logged in as root. */
  private needsSudo(become: boolean | undefined): boolean {
    return (become ?? this.settings.become) && this.settings.username !== 'root';
  }

  private fileError(op: string, path: string, err: unknown): Error {
    if (err instanceof UnreachableError) return err;
    const reason = err instanceof Error ? err.message : String(err);
    const hint = sftpCode(err) === SFTP_PERMISSION_DENIED ? '; set become: true to use sudo' : '';
    return new Error(
      `cannot ${op} ${path} on ${this.hostName} as ${this.settings.username}: ${reason}${hint}`,
      {
        cause: err,
      },
    );
  }
}
