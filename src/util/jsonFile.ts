/**
 * Reading JSON config files and saying what is wrong with them: a read or parse error names the
 * file and which of the two failed; a schema's issues become `field.path: problem` texts, so that
 * every config error names its file and field the same way.
 */
import { readFileSync } from 'node:fs';

/** Reads and parses `path`; throws `<what> <path>: cannot read (…)` or `<what> <path>: not valid JSON (…)`. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${what} ${path}: cannot read (${(e as Error).message})`, { cause: e });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`${what} ${path}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
}

/** One `field.path: problem` text per schema issue; `(root)` for the value as a whole. */
export function issueTexts(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string[] {
  return issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`);
}
