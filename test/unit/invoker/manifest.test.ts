import { describe, expect, it } from 'vitest';
import {
  kindNames,
  loadRuntimeManifest,
  parseMemoryMB,
  parseRuntimeManifest,
  requireKind,
  resolveKind,
  stemCells,
} from '../../../services/runtimes/manifest.ts';

describe('runtimes manifest', () => {
  const manifest = loadRuntimeManifest();

  it('lists the shipped kinds, their defaults and aliases', () => {
    expect(kindNames(manifest)).toEqual(['nodejs:20', 'python:3', 'nodejs:default', 'python:default']);
    expect(resolveKind(manifest, 'nodejs:default')?.kind).toBe('nodejs:20');
    expect(resolveKind(manifest, 'python:default')?.kind).toBe('python:3');
    expect(resolveKind(manifest, 'java:default')).toBeUndefined();
    expect(resolveKind(manifest, 'nodejs:20')?.image).toEqual({
      prefix: 'openwhisk',
      name: 'action-nodejs-v20',
      tag: 'nightly',
    });
  });

  it('gives each kind its stem cells and process command', () => {
    expect(stemCells(manifest)).toEqual([
      { kind: 'nodejs:20', count: 2, memoryMB: 256 },
      { kind: 'python:3', count: 1, memoryMB: 256 },
    ]);
    expect(resolveKind(manifest, 'nodejs:20')?.process).toMatchObject({ interpreter: 'node', args: [] });
    expect(resolveKind(manifest, 'nodejs:20')?.process?.proxy).toMatch(
      /services\/runtimes\/nodejs\/proxy\.mjs$/,
    );
    expect(resolveKind(manifest, 'python:3')?.process).toMatchObject({
      interpreter: 'python3',
      args: ['-u'],
    });
  });

  it('rejects unknown kinds with OpenWhisk’s message', () => {
    expect(() => requireKind(manifest, 'cobol:1')).toThrow(
      "The specified runtime 'cobol:1' is not supported by this platform. Valid values are: 'nodejs:20', 'python:3', 'nodejs:default', 'python:default'.",
    );
  });

  it('reports where an invalid manifest is wrong', () => {
    expect(() => parseRuntimeManifest({ runtimes: { go: [{ kind: 'go:1' }] } }, 'my.json')).toThrow(
      /^my\.json: invalid runtimes manifest at 'runtimes\.go\.0\.image'/,
    );
    expect(() => parseMemoryMB('lots', 'my.json')).toThrow("memory 'lots' is not a size like '256 MB'");
    expect(parseMemoryMB('1 GB', 'x')).toBe(1024);
    expect(() => loadRuntimeManifest('/nonexistent/runtimes.json')).toThrow(
      /^Cannot read the runtimes manifest \/nonexistent\/runtimes\.json/,
    );
  });

  it('uses the first kind of a family as its default when none is marked', () => {
    const m = parseRuntimeManifest(
      { runtimes: { go: [{ kind: 'go:1.22', image: { prefix: 'p', name: 'n', tag: 't' } }] } },
      'inline',
    );
    expect(resolveKind(m, 'go:default')?.kind).toBe('go:1.22');
    expect(resolveKind(m, 'go:default')?.process).toBeUndefined();
  });
});
