// The CLI's --env-module / --teacher-module loader is the library's (agents/userModules.ts).
export { loadUserModules, REGISTRATION_API, type RegistrationApi } from '../agents/userModules.ts';

/** The two flags every command that can meet a user's env takes (parseArgs options). */
export const USER_MODULE_OPTIONS = {
  'env-module': { type: 'string', multiple: true },
  'teacher-module': { type: 'string', multiple: true },
} as const;

/** Their lines in a command's --help. */
export const USER_MODULE_HELP = `  --env-module FILE     a module that registers your own env (registerEnv); repeatable
  --teacher-module FILE a module that registers its teacher (registerTeacher); repeatable`;

/** The module files named by those flags, env modules first (so a teacher module can find its env). */
export function userModuleFiles(values: { 'env-module'?: string[]; 'teacher-module'?: string[] }): string[] {
  return [...(values['env-module'] ?? []), ...(values['teacher-module'] ?? [])];
}
