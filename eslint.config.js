// ESLint (flat config): typescript-eslint's type-checked rules on src/, test/ and bench/,
// plain JavaScript rules on the .mjs/.cjs/.js files, Prettier owns the formatting
// (eslint-config-prettier turns the stylistic rules off). `npm run lint` allows no warning.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The layering, as a build error: controllers → services → repositories. Only the database
 * layer (src/database/) and repositories (*.repository.ts) touch Prisma at run time. Prisma's
 * types and the schema's enums (generated/prisma/enums.js: plain constants, no client) are
 * domain vocabulary and may be imported anywhere.
 */
const PRISMA_OUTSIDE_DATABASE = [
  {
    regex: '(^|/)generated/prisma/(?!enums(\\.js)?$)',
    allowTypeImports: true,
    message: 'Prisma at run time belongs to src/database/ and *.repository.ts: call a repository (types and generated/prisma/enums.js are fine).',
  },
  {
    regex: '^@prisma/',
    allowTypeImports: true,
    message: 'Prisma at run time belongs to src/database/ and *.repository.ts: call a repository.',
  },
  {
    regex: '(^|/)database/prisma\\.service(\\.js)?$',
    message: 'PrismaService belongs to src/database/ and *.repository.ts: call a repository (its unit of work for transactions).',
  },
];
const REPOSITORY_IN_CONTROLLER = {
  regex: '\\.repository(\\.js)?$',
  message: 'A controller calls a service, never a repository: thin controllers → services (logic) → repositories (database).',
};

// Unused names are errors, except `_`-prefixed ones kept on purpose (a rest sibling left out, an ignored parameter).
const UNUSED = { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true };

export default defineConfig([
  globalIgnores([
    'dist/',
    'coverage/',
    '.data/',
    'src/generated/',
    'bench/results/',
    // Deliberate violations of the layering rule, linted by test/lint/layering.spec.ts only.
    'test/lint/fixtures/',
  ]),

  js.configs.recommended,
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: globals.node },
    rules: { 'no-unused-vars': ['error', UNUSED] },
  },

  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.test.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', UNUSED],
      // A caught error is passed on as it came (`catch (error) { reject(error) }`): it is `unknown`, not necessarily an Error.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // supertest's `res.body` (and jest's `expect.any()`) are `any` by design: e2e tests read the API's JSON as it comes.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  // TypeScript files outside tsconfig.test.json (prisma.config.ts): syntax rules only.
  {
    files: ['*.ts'],
    extends: [tseslint.configs.disableTypeChecked],
  },

  {
    files: ['src/**/*.ts'],
    ignores: ['src/database/**', 'src/**/*.repository.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: PRISMA_OUTSIDE_DATABASE }],
    },
  },
  {
    files: ['src/**/*.controller.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [...PRISMA_OUTSIDE_DATABASE, REPOSITORY_IN_CONTROLLER] }],
    },
  },

  prettier,
]);
