// Node `--import` hook for CLI tests: any import of the packages named in $FORBID_IMPORTS (a
// regular expression) fails, so a command that needs them cannot pass by accident.
import { register } from 'node:module';

const hooks = `
const forbid = new RegExp(${JSON.stringify(process.env.FORBID_IMPORTS ?? '(?!)')});
export async function resolve(specifier, context, next) {
  if (forbid.test(specifier)) throw new Error('forbidden import: ' + specifier);
  return next(specifier, context);
}`;
register('data:text/javascript,' + encodeURIComponent(hooks));
