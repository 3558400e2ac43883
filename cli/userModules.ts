// The CLI's --env-module / --teacher-module loader is the library's (agents/userModules.ts).
export { loadUserModules, REGISTRATION_API, type RegistrationApi } from '../agents/userModules.ts';
