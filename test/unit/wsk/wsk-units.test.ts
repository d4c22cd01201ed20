import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyWebFlags, buildExec } from '../../../bin/wsk/commands/action-exec.ts';
import { activationTable, stripTimestamp } from '../../../bin/wsk/commands/activation.ts';
import type { WskError } from '../../../bin/wsk/errors.ts';
import { fullyQualify, parseQualifiedName } from '../../../bin/wsk/names.ts';
import { goDuration, truncate } from '../../../bin/wsk/output.ts';
import { extractKeyValueArgs, mergeJsonObjects } from '../../../bin/wsk/params.ts';
import { apiBase, resolveSettings } from '../../../bin/wsk/props.ts';

describe('qualified names', () => {
  it('resolves short, package and fully qualified names as upstream', () => {
    expect(parseQualifiedName('hello', '_')).toEqual({
      namespace: '_',
      packageName: '',
      entity: 'hello',
      entityName: 'hello',
    });
    expect(parseQualifiedName('pkg/hello', 'me')).toMatchObject({
      namespace: 'me',
      packageName: 'pkg',
      entityName: 'pkg/hello',
    });
    expect(parseQualifiedName('/ns/hello', '_')).toMatchObject({ namespace: 'ns', entityName: 'hello' });
    expect(parseQualifiedName('/ns/pkg/hello', '_')).toMatchObject({
      namespace: 'ns',
      packageName: 'pkg',
      entity: 'hello',
    });
    expect(parseQualifiedName('ns/pkg/hello', '_')).toMatchObject({
      namespace: 'ns',
      entityName: 'pkg/hello',
    });
    expect(parseQualifiedName('/ns', '_')).toMatchObject({ namespace: 'ns', entityName: '' });
    expect(fullyQualify('pkg/a', 'guest')).toBe('/guest/pkg/a');
  });

  it('rejects malformed names with upstream wording', () => {
    for (const bad of ['', '/', '/ns/a/b/c', 'a//b', '/ns/./x']) {
      expect(() => parseQualifiedName(bad, '_')).toThrow(`'${bad}' is not a valid qualified name`);
    }
  });
});

describe('-p / -P argument lifting', () => {
  it('turns KEY VALUE pairs into JSON, keeping valid JSON values typed', () => {
    const lifted = extractKeyValueArgs([
      'action',
      'invoke',
      'x',
      '-p',
      'n',
      '1',
      '--param',
      's',
      'a b',
      '-a',
      'x',
      'true',
      '-b',
    ]);
    expect(lifted.argv).toEqual(['action', 'invoke', 'x', '-b']);
    expect(mergeJsonObjects(lifted.params, 'parameter')).toEqual({ n: 1, s: 'a b' });
    expect(mergeJsonObjects(lifted.annotations, 'annotation')).toEqual({ x: true });
  });

  it('lets later values win and names a missing value', () => {
    expect(mergeJsonObjects(['{"a":1,"b":2}', '{"a":3}'], 'parameter')).toEqual({ a: 3, b: 2 });
    expect(() => extractKeyValueArgs(['-p', 'only-key'])).toThrow(
      "Arguments for '-p' must be a key/value pair",
    );
    expect(() => mergeJsonObjects(['[1]'], 'parameter')).toThrow("Invalid parameter argument '[1]'");
  });
});

describe('settings', () => {
  it('layers flags over environment over the properties file, and keeps an explicit scheme', () => {
    const s = resolveSettings(
      { auth: 'flag:key' },
      { WSK_CONFIG_FILE: '/nonexistent', WHISK_APIHOST: 'localhost:3233' },
    );
    expect(s).toMatchObject({
      auth: 'flag:key',
      apihost: 'localhost:3233',
      apiversion: 'v1',
      namespace: '_',
    });
    expect(apiBase('localhost:3233')).toBe('https://localhost:3233/api');
    expect(apiBase('http://127.0.0.1:3233/')).toBe('http://127.0.0.1:3233/api');
    expect(() => apiBase('')).toThrow('wsk property set --apihost');
  });
});

describe('action exec', () => {
  it('infers kinds from extensions and rejects unknown ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'owctl-wsk-unit-'));
    writeFileSync(join(dir, 'x.zip'), 'PK');
    writeFileSync(join(dir, 'x.txt'), 'text');
    expect(() => buildExec(join(dir, 'x.zip'), {}, '_', false)).toThrow(
      'requires specifying the action kind explicitly',
    );
    expect(() => buildExec(join(dir, 'x.txt'), {}, '_', false)).toThrow(
      "'.txt' is not a supported action runtime",
    );
    expect(buildExec(join(dir, 'x.zip'), { kind: 'python:3' }, '_', false)).toMatchObject({
      binary: true,
      code: 'UEs=',
    });
    expect(() => buildExec(join(dir, 'missing.js'), {}, '_', false)).toThrow("File '");
    expect(() => buildExec(undefined, {}, '_', false)).toThrow(
      'An action name and code artifact are required.',
    );
    expect(buildExec(undefined, {}, '_', true)).toBeUndefined();
    expect(buildExec(undefined, { docker: 'me/img' }, '_', false)).toEqual({
      kind: 'blackbox',
      image: 'me/img',
    });
    const both = (() => {
      try {
        buildExec('a.js', { kind: 'nodejs:20', docker: 'x' }, '_', false);
      } catch (err) {
        return err as WskError;
      }
    })();
    expect(both?.exitCode).toBe(149);
  });

  it('sets web annotations as upstream and keeps a generated secret on update', () => {
    expect(applyWebFlags(undefined, undefined, 'raw', undefined)).toEqual([
      { key: 'web-export', value: true },
      { key: 'raw-http', value: true },
      { key: 'final', value: true },
    ]);
    const existing = [
      { key: 'web-export', value: true },
      { key: 'require-whisk-auth', value: 1234 },
      { key: 'description', value: 'kept' },
    ];
    expect(applyWebFlags(undefined, existing, undefined, 'true')).toEqual(existing);
    expect(applyWebFlags(undefined, existing, 'false', undefined)).toContainEqual({
      key: 'description',
      value: 'kept',
    });
    expect(() => applyWebFlags(undefined, undefined, undefined, 'true')).toThrow(
      'only valid when the --web option',
    );
    expect(() => applyWebFlags(undefined, undefined, 'maybe', undefined)).toThrow(
      "Invalid argument 'maybe' for --web flag",
    );
  });
});

describe('output formats', () => {
  it('formats durations like Go and truncates in the middle', () => {
    expect([0, 21, 1500, 62_004].map(goDuration)).toEqual(['0s', '21ms', '1.5s', '1m2.004s']);
    expect(truncate('abcdefghijklmnopqrstuvwxyz', 11)).toBe('abcdef...yz');
    expect(truncate('short', 11)).toBe('short');
  });

  it('strips log timestamps and prints an empty activation list as a blank line', () => {
    expect(stripTimestamp('2024-01-01T00:00:00.123Z stdout: hi there')).toBe('hi there');
    expect(stripTimestamp('plain')).toBe('plain');
    expect(activationTable([])).toBe('\n');
  });
});
