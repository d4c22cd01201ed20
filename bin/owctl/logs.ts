/** `owctl logs ENV SERVICE [-f] [-n N]`: a service's log, from whichever host runs it. */
import type { Command } from 'commander';
import { loadEnvironment } from '../../engine/inventory/index.ts';
import { TransportPool } from '../../engine/transports/pool.ts';
import { quote } from '../../engine/transports/shell.ts';
import { serviceFiles } from '../../playbooks/lib/service.ts';
import { topology } from '../../playbooks/lib/topology.ts';
import { UsageError } from './errors.ts';

export function registerLogsCommand(program: Command): void {
  program
    .command('logs')
    .description("print a service's log (structured JSON lines)")
    .argument('<env>', 'environment: a name under environments/ or a path to one')
    .argument('<service>', 'service name: couchdb, controller0, invoker0, gateway …')
    .option('-f, --follow', 'keep printing new lines')
    .option('-n, --lines <n>', 'how many lines from the end', '100')
    .option(
      '-e, --extra-vars <vars>',
      'set variables: k=v, @file.yml or JSON (repeatable)',
      (v: string, a: string[]) => [...a, v],
      [],
    )
    .action(
      async (
        env: string,
        name: string,
        options: { follow?: boolean; lines: string; extraVars: string[] },
      ) => {
        const inventory = await loadEnvironment(env, { extraVars: options.extraVars });
        const services = topology(inventory).all;
        const svc = services.find((s) => s.name === name);
        if (!svc) {
          throw new UsageError(
            `environment ${inventory.name} has no service "${name}"; it has: ${services.map((s) => s.name).join(', ')}`,
          );
        }
        const pool = new TransportPool();
        try {
          const file = serviceFiles({ inventory }, svc).log;
          const lines = Number.parseInt(options.lines, 10) || 100;
          const res = await pool
            .get(svc.host)
            .exec(`tail -n ${lines} ${options.follow ? '-F ' : ''}${quote(file)}`, {
              onStdout: (chunk) => process.stdout.write(chunk),
              onStderr: (chunk) => process.stderr.write(chunk),
            });
          process.exitCode = res.exitCode === 0 ? 0 : 1;
        } finally {
          await pool.closeAll();
        }
      },
    );
}
