import { describe, expect, it } from 'vitest';
import {
  buildActivation,
  classifyInit,
  classifyRun,
  Messages,
} from '../../../services/invoker/activation.ts';
import { message } from '../../integration/invoker/harness.ts';

describe('activation responses', () => {
  it('classifies the proxy’s /run answers as OpenWhisk does', () => {
    expect(classifyRun({ status: 200, body: { ok: 1 }, bytes: 10 })).toEqual({
      status: 'success',
      statusCode: 0,
      success: true,
      result: { ok: 1 },
    });
    expect(classifyRun({ status: 200, body: { error: 'x' }, bytes: 10 }).status).toBe('application error');
    expect(classifyRun({ status: 200, body: [1], bytes: 10 })).toMatchObject({
      status: 'action developer error',
      result: { error: Messages.notADictionary },
    });
    expect(classifyRun({ status: 502, body: { error: 'An error has occurred: boom' }, bytes: 10 })).toEqual({
      status: 'action developer error',
      statusCode: 2,
      success: false,
      result: { error: 'An error has occurred: boom' },
    });
    expect(classifyRun({ status: 500, body: 'Internal', bytes: 10 }).result).toEqual({
      error: 'The action did not produce a valid JSON response: Internal',
    });
    expect(classifyRun({ status: 200, body: {}, bytes: 1024 * 1024 + 1 }).result).toEqual({
      error: 'The action produced a response that exceeded the allowed length: 1048577 > 1048576 bytes.',
    });
    expect(classifyInit({ status: 200, body: { OK: true }, bytes: 10 })).toBeUndefined();
    expect(classifyInit({ status: 502, body: { error: 'bad code' }, bytes: 10 })?.result).toEqual({
      error: 'bad code',
    });
  });

  it('builds the record with OpenWhisk’s annotations, initTime only when cold', () => {
    const msg = message({ name: 'hello', code: '', limits: { timeout: 1000 } });
    msg.cause = 'feedc0de';
    const res = classifyRun({ status: 200, body: {}, bytes: 10 });
    const warm = buildActivation(
      msg,
      'nodejs:20',
      { start: 10, end: 25, waitTime: 3, timedOut: false },
      res,
      [],
    );
    expect(warm).toMatchObject({
      namespace: 'guest',
      name: 'hello',
      subject: 'guest',
      activationId: msg.activationId,
      start: 10,
      end: 25,
      duration: 15,
      version: '0.0.1',
      publish: false,
      cause: 'feedc0de',
    });
    expect(warm.annotations).toEqual([
      { key: 'path', value: 'guest/hello' },
      { key: 'waitTime', value: 3 },
      { key: 'kind', value: 'nodejs:20' },
      { key: 'timeout', value: false },
      { key: 'limits', value: msg.action.limits },
    ]);
    const cold = buildActivation(
      msg,
      'nodejs:20',
      { start: 0, end: 1, waitTime: 0, initTime: 7, timedOut: false },
      res,
      [],
    );
    expect(cold.annotations.at(-1)).toEqual({ key: 'initTime', value: 7 });
  });
});
