// The layering rule of eslint.config.js (controllers → services → repositories; Prisma only in
// src/database/ and *.repository.ts) fails the lint: the fixtures are linted with the project's
// own config as if they sat in src/. Type-aware rules are switched off here: the pretended paths
// are in no tsconfig, and the layering rule needs no types.
import { readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const RULE = '@typescript-eslint/no-restricted-imports';
const fixture = (name: string) => readFileSync(`test/lint/fixtures/${name}`, 'utf8');

const eslint = new ESLint({
  cwd: process.cwd(),
  ignore: false,
  overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }],
});

/** Every message of the project's config on `text`, linted as if it were `filePath`. */
async function lint(text: string, filePath: string): Promise<{ ruleId: string | null; line: number; message: string }[]> {
  const [result] = await eslint.lintText(text, { filePath });
  return result.messages.map(({ ruleId, line, message }) => ({ ruleId, line, message }));
}

describe('the layering lint rule', () => {
  it('fails a service that imports PrismaService, the Prisma client or its adapter (values), and lets types and enums through', async () => {
    const messages = await lint(fixture('layering-violation.service.ts'), 'src/dossiers/dossiers.service.ts');
    expect(messages.map(({ ruleId, line }) => ({ ruleId, line }))).toEqual([
      { ruleId: RULE, line: 5 }, // @prisma/adapter-pg
      { ruleId: RULE, line: 6 }, // ../database/prisma.service.js
      { ruleId: RULE, line: 7 }, // { Prisma } from generated/prisma/client.js
      { ruleId: RULE, line: 9 }, // { type Funder, PrismaClient }: PrismaClient is a value
    ]);
    expect(messages[1].message).toMatch(/PrismaService belongs to src\/database\/ and \*\.repository\.ts/);
  });

  it('fails a controller that imports a repository', async () => {
    const messages = await lint(fixture('layering-violation.controller.ts'), 'src/dossiers/dossiers.controller.ts');
    expect(messages.map(({ ruleId, line }) => ({ ruleId, line }))).toEqual([{ ruleId: RULE, line: 5 }]);
    expect(messages[0].message).toMatch(/A controller calls a service, never a repository/);
  });

  it('passes a service that goes through its repository', async () => {
    expect(await lint(fixture('layering-ok.service.ts'), 'src/dossiers/dossiers.service.ts')).toEqual([]);
  });

  it('lets the database layer and the repositories use Prisma', async () => {
    const text = fixture('layering-violation.service.ts');
    for (const filePath of ['src/database/dossiers.ts', 'src/dossiers/dossiers.repository.ts']) {
      expect((await lint(text, filePath)).filter((m) => m.ruleId === RULE)).toEqual([]);
    }
  });

  it('keeps the fixtures out of `npm run lint`', async () => {
    const project = new ESLint({ cwd: process.cwd() });
    expect(await project.isPathIgnored('test/lint/fixtures/layering-violation.service.ts')).toBe(true);
    expect(await project.isPathIgnored('test/lint/layering.spec.ts')).toBe(false);
  });
});
