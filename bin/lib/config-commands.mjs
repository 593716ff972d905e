// @ts-check
// `purge-relay config validate|pull|push|diff`: the config document between a file and the relay.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { locateJson, positionOf } from './json-locate.mjs';
import { CliError } from './relay.mjs';
import { unifiedDiff } from './text-diff.mjs';
/** @import { Output, Relay } from './relay.mjs' */

/**
 * @typedef {{ version: number, savedAt?: string, config: unknown }} LiveConfig  GET /admin/config (version 0: none yet).
 * @typedef {{ version: number, warnings?: string[] }} SavedConfig  PUT /admin/config (with ?dryRun=1: checked only).
 */

/** @param {unknown} value */
const pretty = (value) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Reads and parses a JSON file, or fails saying which file and where.
 * @param {string | undefined} file @returns {{ document: unknown, text: string }}
 */
function readDocument(file) {
  if (!file) throw new CliError('name the config file, e.g. `purge-relay config validate examples/config.json`', 2);
  if (!existsSync(file)) throw new CliError(`no such file: ${file}`);
  const text = readFileSync(file, 'utf8');
  try {
    return { document: JSON.parse(text), text };
  } catch (error) {
    throw new CliError(`${file} is not valid JSON: ${/** @type {SyntaxError} */ (error).message}`);
  }
}

/**
 * The relay's 422 as `file:line:column: path: message` lines, one problem a line (a missing key at the object
 * that lacks it). @param {string} file @param {string} text @param {CliError} error
 */
function invalid(file, text, error) {
  const issues = error.details?.issues ?? [];
  if (issues.length === 0) return error;
  const located = locateJson(text);
  const lines = issues.map((i) => {
    const at = positionOf(located, i.path);
    return `  ${file}${at ? `:${at.line}:${at.column}` : ''}: ${i.path}: ${i.message}`;
  });
  return new CliError(`${file} is invalid (${issues.length} problem${issues.length > 1 ? 's' : ''}):\n${lines.join('\n')}`);
}

/**
 * Checks the file with the relay's validator; with `strict`, a warning fails it too.
 * @param {Relay} relay @param {string | undefined} file @param {Output} out @param {boolean} [strict]
 */
async function validate(relay, file, out, strict = false) {
  const { document, text } = readDocument(file);
  /** @type {SavedConfig} */
  let result;
  try {
    result = await relay.call('PUT', '/admin/config?dryRun=1', document);
  } catch (error) {
    throw error instanceof CliError && error.details?.issues ? invalid(String(file), text, error) : error;
  }
  const warnings = result.warnings ?? [];
  for (const warning of warnings) out.warn(`warning: ${warning}`);
  if (strict && warnings.length > 0)
    throw new CliError(
      `${file} has ${warnings.length} warning${warnings.length > 1 ? 's' : ''} and --strict refuses warnings; nothing was saved`,
    );
  out.log(`${file} is valid (checked by ${relay.url}; nothing was saved)`);
  return document;
}

/** @param {Relay} relay @returns {Promise<LiveConfig>} */
async function live(relay) {
  try {
    return await relay.call('GET', '/admin/config');
  } catch (error) {
    if (error instanceof CliError && error.details?.error?.startsWith('no config has been saved'))
      return { version: 0, config: {} };
    throw error;
  }
}

/** @param {Relay} relay @param {string[]} args @param {{ out?: string, strict?: boolean }} options @param {Output} out */
export async function configCommand(relay, [action, file], options, out) {
  switch (action) {
    case 'validate':
      await validate(relay, file, out, options.strict);
      return;
    case 'pull': {
      const current = await live(relay);
      if (current.version === 0) throw new CliError('the relay has no config yet: `purge-relay config push <file>`');
      if (options.out) {
        writeFileSync(options.out, pretty(current.config));
        out.warn(`wrote version ${current.version} (saved ${current.savedAt}) to ${options.out}`);
      } else out.write(pretty(current.config));
      return;
    }
    case 'diff': {
      const { document } = readDocument(file);
      const current = await live(relay);
      const diff = unifiedDiff(pretty(current.config), pretty(document), { from: `live (version ${current.version})`, to: file });
      out.write(diff || `no differences between ${file} and the live version ${current.version}\n`);
      return;
    }
    case 'push': {
      const document = await validate(relay, file, out, options.strict);
      const current = await live(relay);
      const diff = unifiedDiff(pretty(current.config), pretty(document), { from: `live (version ${current.version})`, to: file });
      if (!diff) return out.log(`no changes: version ${current.version} is already this document`);
      out.write(diff);
      out.progress.update('saving…');
      /** @type {SavedConfig} */
      const saved = await relay.call('PUT', '/admin/config', document);
      out.progress.done(`saved as version ${saved.version}; live within seconds (KV propagation: up to 60 s everywhere)`);
      return;
    }
    default:
      throw new CliError('config needs one of: validate <file>, pull [--out file], push <file>, diff <file>', 2);
  }
}
