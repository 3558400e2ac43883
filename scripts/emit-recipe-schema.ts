/**
 * Writes configs/controllers/recipe.schema.json, the JSON Schema of recipe config files
 * (agents/recipeConfig.ts), for editors that complete and check `$schema`-tagged JSON; formatted
 * with the repository's Prettier. A test keeps the file equal to the schema the code validates with.
 *   node bin/run-ts.mjs scripts/emit-recipe-schema.ts
 */
import { writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { recipeJsonSchema } from '../agents/recipeConfig.ts';
import { packagePath } from '../src/util/packageRoot.ts';

const file = packagePath('configs', 'controllers', 'recipe.schema.json');
const options = { ...(await resolveConfig(file)), filepath: file };
writeFileSync(file, await format(JSON.stringify(recipeJsonSchema()), options));
