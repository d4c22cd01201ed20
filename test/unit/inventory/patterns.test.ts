import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvironment } from '../../../engine/inventory/index.ts';
import { FIXTURES } from './env-dir.ts';

const inv = await loadEnvironment(join(FIXTURES, 'yaml-cluster'), { env: {} });

describe('host patterns', () => {
  it.each([
    ['all', ['bastion', 'db0', 'controller0', 'controller1', 'invoker0', 'invoker1']],
    ['controllers', ['controller0', 'controller1']],
    ['invoker1', ['invoker1']],
    ['controllers:invokers', ['controller0', 'controller1', 'invoker0', 'invoker1']],
    ['db,controllers', ['db0', 'controller0', 'controller1']],
    ['all:!core', ['bastion', 'db0']],
    ['!core', ['bastion', 'db0']],
    ['core:&invokers', ['invoker0', 'invoker1']],
    ['core:!controller1:&controllers', ['controller0']],
    ['invoker*', ['invoker0', 'invoker1']],
    ['*0', ['db0', 'controller0', 'invoker0']],
    ['~^(db|bastion)', ['bastion', 'db0']],
    ['core[0]', ['controller0']],
    ['core[1:2]', ['controller1', 'invoker0']],
    ['core[-1]', ['invoker1']],
    ['nosuchgroup', []],
  ])('%s', (pattern, hosts) => {
    expect(inv.match(pattern)).toEqual(hosts);
  });
});
