// @ts-check
// Lint judges, Prettier formats. The folder boundaries of docs/architecture.md are errors here,
// not conventions: test/eslintBoundaries.test.ts proves each one fires.
import { builtinModules } from 'node:module';

import js from '@eslint/js';
import { importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

/** Only src/server/k8s/ may talk to Kubernetes through the client library. */
const kubernetesClient = {
  name: '@kubernetes/client-node',
  message: 'Only src/server/k8s/ may import @kubernetes/client-node (see docs/architecture.md).',
};

/**
 * Import restrictions for code that must also run in a browser.
 * @param {string} why - the start of each message
 * @param {string[]} extra - further forbidden packages
 */
function browserSafeImports(why, extra = []) {
  return {
    paths: [
      kubernetesClient,
      ...[...nodeBuiltins, ...extra].map((name) => ({ name, message: `${why}: no ${name}.` })),
    ],
    patterns: [{ group: ['node:*'], message: `${why}: no node:* imports.` }],
  };
}

/**
 * Which src/ folders each folder may not import from. Paths are resolved, so `../server/x.ts`
 * and `../../server/x.ts` are caught alike.
 */
const boundaryZones = [
  {
    target: './src/shared',
    from: ['./src/server', './src/sandbox', './src/cli', './src/web', './src/main.ts'],
    message: 'src/shared imports nothing else from src.',
  },
  {
    target: './src/web',
    from: ['./src/server', './src/sandbox', './src/cli', './src/main.ts'],
    message: 'src/web may import only src/shared.',
  },
  {
    target: './src/cli',
    from: ['./src/server', './src/sandbox', './src/web', './src/main.ts'],
    message: 'src/cli may import only src/shared.',
  },
  {
    target: './src/sandbox',
    from: ['./src/server', './src/cli', './src/web', './src/main.ts'],
    message: 'src/sandbox may import only src/shared.',
  },
  {
    target: './src/server',
    from: ['./src/sandbox', './src/cli', './src/web', './src/main.ts'],
    message: 'src/server may import only src/shared (it reaches the sandbox over HTTP).',
  },
];

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'test-results/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    plugins: { 'import-x': importX, 'simple-import-sort': simpleImportSort },
    settings: {
      'import-x/resolver': { node: { extensions: ['.ts', '.tsx', '.js', '.mjs'] } },
    },
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // `_`-prefixed names mark deliberately unused bindings (e.g. omitting keys by destructuring).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      'import-x/no-restricted-paths': ['error', { zones: boundaryZones }],
      'import-x/no-default-export': 'error',
      'no-restricted-imports': ['error', { paths: [kubernetesClient] }],
    },
  },
  {
    // The Kubernetes adapter is the one place the client library is allowed; conformance tests
    // use it as the real client that judges the sandbox.
    files: ['src/server/k8s/**', 'test/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/web/**'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', browserSafeImports('Web code runs in the browser')],
    },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        browserSafeImports('src/shared is isomorphic (server, web and CLI)', [
          'react',
          'react-dom',
        ]),
      ],
    },
  },
  {
    // Tool configs must default-export by contract.
    files: ['*.config.js', '*.config.ts'],
    rules: { 'import-x/no-default-export': 'off' },
  },
);
