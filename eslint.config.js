// ESLint flat config: typescript-eslint's type-checked rules over every TypeScript file.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Each folder's entry files: code outside the folder imports it only through them (house
 * style: "Each folder has an index.ts that is its only way in"). `r/values.ts` is r/'s
 * pure part (no I/O) for converters/ and the browser; `converters/client.ts` is what the
 * browser bundle may take without the zod schemas. Tests and benchmarks reach into
 * internals on purpose and are not held to it.
 */
const ENTRY_FILES = {
  'server/auth': ['index.ts'],
  'server/compute': ['index.ts'],
  'server/config': ['index.ts'],
  'server/http': ['index.ts', 'api/index.ts'],
  'server/http/api': ['index.ts'],
  'server/realtime': ['index.ts'],
  'server/reports': ['index.ts'],
  'server/sessions': ['index.ts'],
  'server/store': ['index.ts'],
  r: ['index.ts', 'values.ts'],
  'r/qap1': ['index.ts'],
  'r/pool': ['index.ts'],
  'r/supervisor': ['index.ts'],
  converters: ['index.ts', 'client.ts'],
  'converters/formula': ['index.ts'],
};

/** Files that may go past an entry file, with the reason. */
const ENTRY_EXCEPTIONS = {
  // r/'s pure entry re-exports the value types of qap1/ without its socket code.
  'r/qap1': ['r/values.ts'],
};

const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every folder under `root` (itself included), relative to this file's directory. */
function foldersUnder(root) {
  const dirs = [root];
  for (const e of readdirSync(`${import.meta.dirname}/${root}`, { withFileTypes: true }))
    if (e.isDirectory()) dirs.push(...foldersUnder(`${root}/${e.name}`));
  return dirs;
}

/** The patterns that hold for a file in `dir` (`file`: one of ENTRY_EXCEPTIONS' files). */
function entryPatterns(dir, file) {
  return Object.entries(ENTRY_FILES)
    .filter(([folder]) => dir !== folder && !dir.startsWith(`${folder}/`))
    .filter(([folder]) => file === undefined || !(ENTRY_EXCEPTIONS[folder] ?? []).includes(file))
    .map(([folder, entries]) => ({
      regex: `(^|/)${escapeRegex(folder.split('/').at(-1))}/(?!(${entries.map(escapeRegex).join('|')})$)`,
      message: `import ${folder}/ only through its entry file (${entries.join(', ')})`,
    }));
}

/**
 * `no-restricted-imports` per folder (a later flat-config block replaces a rule's options
 * rather than adding to them, so each folder gets one block with every pattern that holds
 * there), then the excepted files.
 */
function entryFileRules() {
  const block = (files, patterns) => ({
    files,
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  });
  const dirs = ['server', 'r', 'converters', 'client/src'].flatMap(foldersUnder);
  const excepted = [...new Set(Object.values(ENTRY_EXCEPTIONS).flat())];
  return [
    ...dirs.map((dir) => block([`${dir}/*.ts`], entryPatterns(dir))),
    ...excepted.map((f) => block([f], entryPatterns(f.slice(0, f.lastIndexOf('/')), f))),
  ];
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.tmp/**',
      'data/**',
      'client/dist/**',
      'dist/**',
      'coverage/**',
      'test/e2e/screenshots/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/only-throw-error': 'error',
    },
  },
  ...entryFileRules(),
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // CommonJS files (mocha's reporter must be one) run in Node.
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
