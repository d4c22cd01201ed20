// @ts-check
/**
 * Node.js action proxy speaking OpenWhisk's runtime protocol (as apache/openwhisk-runtime-nodejs):
 *   POST /init {value: {name, main, code, binary, env}}  once per container
 *   POST /run  {value, namespace, action_name, ...}       each activation
 * Dependency-free on purpose: it runs with bare `node` inside a sandbox or a minimal container.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const SENTINEL = 'XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX';
const SENTINEL_LINE = `${SENTINEL}\n`;
const PORT = Number(process.env.__OW_PROXY_PORT ?? 8080);
const HOST = process.env.__OW_PROXY_HOST ?? '0.0.0.0';
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** @typedef {(args: Record<string, unknown>) => unknown} ActionMain */

/** @type {ActionMain | undefined} */
let actionMain;
let initialized = false;
/** Run keys exposed as `__OW_*` by the previous activation, removed before the next one. */
let exposedKeys = /** @type {string[]} */ ([]);

/** Both streams carry the sentinel so the invoker can cut each activation's logs. */
function writeSentinels() {
  writeLine(process.stdout, 1, SENTINEL_LINE);
  writeLine(process.stderr, 2, SENTINEL_LINE);
}

/**
 * Straight to the descriptor (one syscall, none of the stream machinery) when the stream holds
 * nothing unwritten, so the line still follows everything the action wrote; pipes and files are
 * synchronous in node, so that is the usual case.
 * @param {NodeJS.WriteStream} stream
 * @param {number} fd
 * @param {string} line
 */
function writeLine(stream, fd, line) {
  if (stream.writableLength > 0) stream.write(line);
  else writeSync(fd, line);
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 */
function reply(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** @param {unknown} err */
function describe(err) {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

/**
 * Evaluates the action code the way OpenWhisk's nodejs runtime does: CommonJS-style
 * (`module.exports = fn`, `exports.main = fn`) or a plain `function main` declaration.
 * @param {string} code
 * @param {string} main
 * @returns {ActionMain}
 */
function loadAction(code, main) {
  if (!IDENTIFIER.test(main))
    throw new Error(`the main function name '${main}' is not a JavaScript identifier`);
  const module = { exports: /** @type {Record<string, unknown> | ActionMain} */ ({}) };
  const cwd = process.cwd();
  const require = createRequire(join(cwd, 'action.js'));
  const body = `${code}\n;return typeof ${main} === 'function' ? ${main} : undefined;`;
  const evaluate = new Function('exports', 'require', 'module', '__filename', '__dirname', body);
  const local = evaluate(module.exports, require, module, join(cwd, 'action.js'), cwd);
  const exported = module.exports;
  const candidate =
    typeof exported === 'object' && exported !== null && typeof exported[main] === 'function'
      ? exported[main]
      : typeof exported === 'function'
        ? exported
        : local;
  if (typeof candidate !== 'function') throw new Error(`the action code has no function named '${main}'`);
  return /** @type {ActionMain} */ (candidate);
}

/**
 * Extracts a zip archive (stored or deflated entries) into dir. Small on purpose: the proxy has no
 * dependencies, and action archives are plain `zip -r` output.
 * @param {Buffer} zip
 * @param {string} dir
 */
function unzip(zip, dir) {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('the action archive is not a zip file (no end of central directory)');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50)
      throw new Error('the action zip has a corrupt central directory');
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    const target = resolve(dir, name);
    if (!target.startsWith(dir + sep))
      throw new Error(`the action zip entry '${name}' points outside the archive`);
    if (name.endsWith('/')) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    if (method !== 0 && method !== 8) {
      throw new Error(`the action zip entry '${name}' uses unsupported compression method ${method}`);
    }
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + compressed);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, method === 8 ? inflateRawSync(data) : data);
  }
}

/**
 * A zip action: the archive's package.json `main` (or index.js) is required as a CommonJS module,
 * as OpenWhisk's nodejs runtime does.
 * @param {string} base64
 * @param {string} main
 * @returns {ActionMain}
 */
function loadZipAction(base64, main) {
  const dir = mkdtempSync(join(tmpdir(), 'action-'));
  unzip(Buffer.from(base64, 'base64'), dir);
  let entry = 'index.js';
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (typeof pkg.main === 'string') entry = pkg.main;
  } catch {
    // No readable package.json: index.js.
  }
  const exported = createRequire(join(dir, 'package.json'))(resolve(dir, entry));
  const fn = typeof exported?.[main] === 'function' ? exported[main] : exported;
  if (typeof fn !== 'function')
    throw new Error(`the zip action's ${entry} exports no function named '${main}'`);
  return fn;
}

/** @param {Record<string, unknown>} value */
function init(value) {
  if (typeof value.code !== 'string' || value.code.trim() === '') throw new Error('the action has no code');
  const env = value.env;
  if (env && typeof env === 'object') {
    for (const [k, v] of Object.entries(env)) process.env[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  const main = typeof value.main === 'string' && value.main ? value.main : 'main';
  actionMain = value.binary ? loadZipAction(value.code, main) : loadAction(value.code, main);
}

/**
 * Only what changed since the previous activation is written (a warm container's namespace, action
 * and key stay the same; each process.env write is a native setenv).
 * @param {Record<string, unknown>} message
 */
function exposeRunEnv(message) {
  /** @type {string[]} */
  const keys = [];
  for (const k in message) {
    const v = message[k];
    if (k === 'value' || v === undefined || v === null) continue;
    const name = `__OW_${k.toUpperCase()}`;
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    if (process.env[name] !== text) process.env[name] = text;
    keys.push(name);
  }
  for (const key of exposedKeys) if (!keys.includes(key)) delete process.env[key];
  exposedKeys = keys;
}

/**
 * @param {unknown} result
 * @returns {{status: number, body: unknown}}
 */
function classify(result) {
  if (result === undefined || result === null) return { status: 200, body: {} };
  if (typeof result === 'object' && !Array.isArray(result)) return { status: 200, body: result };
  return { status: 502, body: { error: 'The action did not return a dictionary.' } };
}

/**
 * @param {Record<string, unknown>} message
 * @returns {Promise<{status: number, body: unknown}>}
 */
async function run(message) {
  exposeRunEnv(message);
  const args = message.value && typeof message.value === 'object' ? message.value : {};
  try {
    const result = await /** @type {ActionMain} */ (actionMain)(
      /** @type {Record<string, unknown>} */ (args),
    );
    return classify(result);
  } catch (err) {
    // A rejected promise carrying a plain value is the action's own error (application error).
    if (!(err instanceof Error) && err !== undefined && err !== null) {
      return { status: 200, body: typeof err === 'object' && 'error' in err ? err : { error: err } };
    }
    console.error(describe(err));
    return {
      status: 502,
      body: { error: `An error has occurred: ${err instanceof Error ? err.message : err}` },
    };
  }
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<Record<string, unknown>>}
 */
function readJson(req) {
  // Events rather than `for await`: the async iterator costs a promise per chunk on every /run.
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('error', reject);
    req.on('end', () => {
      try {
        const text =
          chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
        const parsed = text ? JSON.parse(text) : {};
        resolve(parsed && typeof parsed === 'object' ? parsed : {});
      } catch (err) {
        reject(err);
      }
    });
  });
}

const server = createServer(async (req, res) => {
  /** @type {Record<string, unknown>} */
  let message;
  try {
    message = await readJson(req);
  } catch (err) {
    return reply(res, 400, { error: `The request body is not valid JSON: ${describe(err)}` });
  }
  if (req.method === 'POST' && req.url === '/init') {
    if (initialized) return reply(res, 403, { error: 'Cannot initialize the action more than once.' });
    initialized = true;
    try {
      init(/** @type {Record<string, unknown>} */ (message.value ?? {}));
      return reply(res, 200, { OK: true });
    } catch (err) {
      console.error(describe(err));
      reply(res, 502, { error: `Initialization has failed due to: ${describe(err)}` });
      return writeSentinels();
    }
  }
  if (req.method === 'POST' && req.url === '/run') {
    if (!actionMain)
      return reply(res, 403, { error: 'The action has not been initialized; POST /init first.' });
    const { status, body } = await run(message);
    // Answer first, sentinels in the same tick: the invoker wakes once for the answer and finds
    // the sentinels there when it asks for the logs, instead of waking for each stream.
    reply(res, status, body);
    return writeSentinels();
  }
  reply(res, 404, {
    error: `No route ${req.method} ${req.url}: the action proxy serves POST /init and POST /run.`,
  });
});

// The invoker keeps one connection per container for its whole life; it decides when to close it.
server.keepAliveTimeout = 0;
server.listen(PORT, HOST);
server.on('error', (err) => {
  console.error(`action proxy cannot listen on ${HOST}:${PORT}: ${err.message}`);
  process.exit(3);
});
process.on('SIGTERM', () => process.exit(0));
// Started by a local invoker: its end of our stdin closes when it dies, so we never outlive it.
if (process.env.__OW_EXIT_WITH_STDIN === '1') {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}
